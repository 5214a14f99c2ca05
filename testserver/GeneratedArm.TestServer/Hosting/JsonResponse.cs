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

    public static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static Task WriteAsync(HttpResponse response, int statusCode, Action<Utf8JsonWriter> write)
    {
        byte[] body = Serialize(write);
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }
}
