using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>Writes JSON bodies with exact field order (handlers write with <see cref="Utf8JsonWriter"/>; no reflection).</summary>
internal static class JsonResponse
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Azure's services write quotes and apostrophes literally (<c>'DevTest'</c>, not <c>\u0027DevTest\u0027</c>).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Bodies are serialized into a buffer each thread reuses and copied into the response pipe: no per-response arrays
    // (the load benchmark's profiles showed them on every IMDS and ARM answer). Large buffers are not kept.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private const int KeptBufferBytes = 64 * 1024;

    public static Task WriteAsync(HttpResponse response, int statusCode, Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.ContentLength = buffer.WrittenCount;
        response.BodyWriter.Write(buffer.WrittenSpan);
        if (buffer.Capacity > KeptBufferBytes) t_buffer = null;
        return response.BodyWriter.FlushAsync().AsTask();
    }
}
