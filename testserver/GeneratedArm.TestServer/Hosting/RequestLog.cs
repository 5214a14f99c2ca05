using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace GeneratedArm.TestServer.Hosting;

/// <summary>
/// Records every request (before faults, so faulted requests show too): the last <see cref="Capacity"/> requests, at most
/// <see cref="MaxBytes"/> of them, oldest dropped first.
/// <para>
/// Why bytes: a log of objects keeps every request's strings and arrays alive for thousands of requests, so each one survives
/// to the older GC generations and the collector pays for it — measured with the load benchmark (<c>load reads</c>), that halved the
/// standalone emulator's IMDS throughput. Requests are instead encoded (UTF-8, length-prefixed) into one growing byte ring with a
/// fixed array of value-type slots: recording allocates nothing that outlives the request. <see cref="Snapshot"/> decodes.
/// </para>
/// </summary>
internal sealed class RequestLog
{
    /// <summary>At most this many requests are kept (oldest dropped) so long-running standalone emulators stay small.</summary>
    public const int Capacity = 10_000;

    /// <summary>At most this many bytes of encoded requests are kept.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private const int InitialBytes = 64 * 1024;
    private const int InitialSlots = 256;
    private const int InFlight = -1;

    private struct Slot
    {
        public long Sequence;
        public long Start;
        public int Length;
        public int Status;
        public long ReceivedAtTicks;
    }

    // Encoding happens outside the lock, into a buffer each thread reuses.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly Lock _gate = new();
    private Slot[] _slots = new Slot[InitialSlots]; // grows to Capacity: a short-lived emulator stays small
    private byte[] _ring = [];
    private long _written;     // bytes ever written: an entry at byte position p lives at _ring[p % _ring.Length]
    private long _next = 1;    // sequence of the next request
    private long _oldest = 1;  // sequence of the oldest kept request

    /// <summary>The kept requests, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            var result = new RecordedRequest[_next - _oldest];
            for (long s = _oldest; s < _next; s++)
            {
                result[s - _oldest] = Decode(_slots[s % _slots.Length]);
            }
            return result;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _oldest = _next;
            _written = 0;
            _ring = [];
        }
    }

    /// <summary>Records the request; returns its sequence number for <see cref="Complete"/>.</summary>
    public long Record(HttpContext context, DateTimeOffset now)
    {
        var request = context.Request;
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        WriteString(buffer, request.Method);
        WriteString(buffer, request.GetEncodedUrl());
        var headers = request.Headers;
        WriteInt(buffer, headers.Count);
        foreach (var (name, values) in headers)
        {
            WriteString(buffer, name);
            WriteString(buffer, string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase) ? Redact(values.ToString()) : values.ToString());
        }
        var bytes = buffer.WrittenSpan;
        lock (_gate)
        {
            MakeRoom(bytes.Length);
            long sequence = _next++;
            _slots[sequence % _slots.Length] = new Slot { Sequence = sequence, Start = _written, Length = bytes.Length, Status = InFlight, ReceivedAtTicks = now.UtcTicks };
            Copy(bytes, _written);
            _written += bytes.Length;
            return sequence;
        }
    }

    /// <summary>The status code sent (0 when the connection was aborted).</summary>
    public void Complete(long sequence, int statusCode)
    {
        lock (_gate)
        {
            ref var slot = ref _slots[sequence % _slots.Length];
            if (slot.Sequence == sequence && sequence >= _oldest) slot.Status = statusCode;
        }
    }

    /// <summary>Drops the oldest requests until one more request and <paramref name="length"/> more bytes fit; grows the ring up to <see cref="MaxBytes"/>.</summary>
    private void MakeRoom(int length)
    {
        while (_next - _oldest >= Capacity) _oldest++;
        if (_next - _oldest >= _slots.Length) GrowSlots();
        while (true)
        {
            long used = _next == _oldest ? 0 : _written - _slots[_oldest % _slots.Length].Start;
            if (used + length <= _ring.Length) return;
            if (_ring.Length < MaxBytes && used + length <= MaxBytes)
            {
                Grow(Math.Min(MaxBytes, Math.Max(InitialBytes, (int)Math.Max(_ring.Length * 2L, used + length))));
                continue;
            }
            if (_next == _oldest) throw new InvalidOperationException("A request too large to record.");
            _oldest++;
        }
    }

    private void GrowSlots()
    {
        var slots = new Slot[Math.Min(Capacity, _slots.Length * 2)];
        for (long s = _oldest; s < _next; s++) slots[s % slots.Length] = _slots[s % _slots.Length];
        _slots = slots;
    }

    private void Grow(int size)
    {
        var ring = new byte[size];
        if (_next != _oldest)
        {
            long start = _slots[_oldest % _slots.Length].Start;
            for (long p = start; p < _written; p++) ring[p % size] = _ring[p % _ring.Length];
        }
        _ring = ring;
    }

    private void Copy(ReadOnlySpan<byte> bytes, long position)
    {
        int at = (int)(position % _ring.Length);
        int first = Math.Min(bytes.Length, _ring.Length - at);
        bytes[..first].CopyTo(_ring.AsSpan(at));
        bytes[first..].CopyTo(_ring);
    }

    private RecordedRequest Decode(in Slot slot)
    {
        var bytes = new byte[slot.Length];
        int at = (int)(slot.Start % _ring.Length);
        int first = Math.Min(bytes.Length, _ring.Length - at);
        _ring.AsSpan(at, first).CopyTo(bytes);
        _ring.AsSpan(0, bytes.Length - first).CopyTo(bytes.AsSpan(first));
        var reader = new Reader(bytes);
        string method = reader.String();
        string url = reader.String();
        var headers = new KeyValuePair<string, string>[reader.Int()];
        for (int i = 0; i < headers.Length; i++) headers[i] = new(reader.String(), reader.String());
        return new RecordedRequest(new DateTimeOffset(slot.ReceivedAtTicks, TimeSpan.Zero), method, url, headers)
        {
            StatusCode = slot.Status == InFlight ? null : slot.Status,
        };
    }

    private static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteInt(buffer, length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public int Int()
        {
            int value = BinaryPrimitives.ReadInt32LittleEndian(_rest);
            _rest = _rest[4..];
            return value;
        }

        public string String()
        {
            int length = Int();
            string value = Encoding.UTF8.GetString(_rest[..length]);
            _rest = _rest[length..];
            return value;
        }
    }

    private static string Redact(string value)
    {
        int space = value.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? "<redacted>" : value[..space] + " <redacted>";
    }
}
