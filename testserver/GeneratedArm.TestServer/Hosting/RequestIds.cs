namespace GeneratedArm.TestServer.Hosting;

/// <summary>
/// Request ids (<c>x-ms-request-id</c>): random version-4 GUIDs from <see cref="Random.Shared"/>. They correlate requests and are
/// not secrets, so they need uniqueness, not a cryptographic source; <see cref="Guid.NewGuid"/> asks the OS for random bytes on every
/// call, which the load benchmark showed on every request's profile.
/// </summary>
internal static class RequestIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's little-endian layout: the high byte of the third group)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString();
    }
}
