using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>
/// Names the local process behind a loopback TCP connection (Linux: <c>/proc/net/tcp*</c> gives the socket's inode,
/// <c>/proc/*/fd</c> the process holding it), so the <c>azure-cli</c> token log can say who asked. Other systems, other users'
/// processes without privileges, or a connection already gone: null.
/// </summary>
internal static class LoopbackClientProcess
{
    public static string? Describe(IPAddress? address, int port)
    {
        if (!OperatingSystem.IsLinux() || address is null || port == 0) return null;
        try
        {
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            string? inode = FindInode(address, port);
            if (inode is null) return null;
            string target = $"socket:[{inode}]";
            foreach (var processDirectory in Directory.EnumerateDirectories("/proc"))
            {
                string name = Path.GetFileName(processDirectory);
                if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (!HoldsSocket(processDirectory, target)) continue;
                string command = ReadOrEmpty(Path.Combine(processDirectory, "comm")).Trim();
                return $"pid {pid} ({command})";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Best effort: the log says "unknown".
        }
        return null;
    }

    private static bool HoldsSocket(string processDirectory, string target)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(processDirectory, "fd")))
                if (new FileInfo(fd).LinkTarget == target) return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }

    // /proc/net/tcp lines: "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …", addresses as hex in host byte order.
    // An IPv4 client may hold a dual-mode IPv6 socket (.NET's default), listed in tcp6 under its v4-mapped address.
    private static string? FindInode(IPAddress address, int port)
    {
        var candidates = address.AddressFamily == AddressFamily.InterNetworkV6
            ? new[] { ("/proc/net/tcp6", address) }
            : new[] { ("/proc/net/tcp", address), ("/proc/net/tcp6", address.MapToIPv6()) };
        foreach (var (table, local) in candidates)
        {
            if (!File.Exists(table)) continue;
            string wanted = $"{Hex(local)}:{port:X4}";
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && string.Equals(fields[1], wanted, StringComparison.OrdinalIgnoreCase)) return fields[9];
            }
        }
        return null;
    }

    private static string Hex(IPAddress address)
    {
        byte[] bytes = address.GetAddressBytes();
        var text = new System.Text.StringBuilder();
        // Each 32-bit word is printed as a native-endian integer (little-endian on the machines this runs on).
        for (int word = 0; word < bytes.Length; word += 4)
            for (int i = 3; i >= 0; i--) text.Append(bytes[word + i].ToString("X2", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
