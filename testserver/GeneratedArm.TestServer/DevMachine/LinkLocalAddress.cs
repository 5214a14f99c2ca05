using System.Diagnostics;
using System.Net;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>A one-line reason <c>--link-local</c> cannot work here, with the command that fixes it.</summary>
public sealed class LinkLocalException(string message) : Exception(message);

/// <summary>
/// IMDS's real address, 169.254.169.254, on the loopback interface, so unmodified clients reach the emulator: Azure.Identity trusts its IMDS
/// probe only from that literal host (Azure.Core ImdsManagedIdentityProbeSource), and the tutorials' <c>curl</c> lines name it.
/// On Linux it adds <c>169.254.169.254/32</c> to <c>lo</c> with <c>ip addr add</c> when it is missing, and <see cref="DisposeAsync"/> removes it
/// again only if it was added here (an address someone else configured stays).
/// </summary>
public sealed class LinkLocalAddress : IAsyncDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("169.254.169.254");

    public static readonly Uri ImdsUrl = new("http://169.254.169.254/");

    private const string Prefix = "169.254.169.254/32";

    private const string Permissions =
        "--link-local needs root or CAP_NET_ADMIN + CAP_NET_BIND_SERVICE (to add 169.254.169.254/32 to lo and listen on port 80): run the emulator with sudo, " +
        "or 'sudo ip addr add 169.254.169.254/32 dev lo' once and 'sudo setcap cap_net_bind_service=+ep <dotnet or garm executable>'.";

    private LinkLocalAddress(bool added) => Added = added;

    /// <summary>True when this process added the address (and so removes it on dispose).</summary>
    public bool Added { get; }

    /// <summary>The message for a failure to listen on 169.254.169.254:80 (permission denied on the port).</summary>
    public static string PermissionMessage => Permissions;

    /// <summary>The message when 169.254.169.254 is not a local address (macOS, Windows: the alias was not added).</summary>
    public static string MissingAliasMessage =>
        "169.254.169.254 is not an address of this machine: add it as a loopback alias first (macOS: 'sudo ifconfig lo0 alias 169.254.169.254/32'; " +
        "Windows: an address on the Microsoft KM-TEST Loopback Adapter; see testserver/README.md), then start the emulator again.";

    /// <summary>Makes sure 169.254.169.254/32 is on <c>lo</c>; throws <see cref="LinkLocalException"/> with what to run when it cannot.</summary>
    public static async Task<LinkLocalAddress> EnsureOnLoopbackAsync(CancellationToken cancellationToken = default)
    {
        // Elsewhere the developer adds the loopback alias (testserver/README.md; untested); listening fails clearly when it is missing.
        if (!OperatingSystem.IsLinux()) return new LinkLocalAddress(added: false);
        var (exit, output, error) = await RunIpAsync(["-o", "-4", "addr", "show", "dev", "lo"], cancellationToken).ConfigureAwait(false);
        if (exit != 0) throw new LinkLocalException($"'ip addr show dev lo' failed: {FirstLine(error)}");
        if (output.Contains(" 169.254.169.254/", StringComparison.Ordinal)) return new LinkLocalAddress(added: false);

        (exit, _, error) = await RunIpAsync(["addr", "add", Prefix, "dev", "lo"], cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new LinkLocalException(error.Contains("not permitted", StringComparison.OrdinalIgnoreCase)
                ? Permissions
                : $"'ip addr add {Prefix} dev lo' failed: {FirstLine(error)}");
        }
        return new LinkLocalAddress(added: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Added) return;
        var (exit, _, error) = await RunIpAsync(["addr", "del", Prefix, "dev", "lo"], CancellationToken.None).ConfigureAwait(false);
        if (exit != 0) await Console.Error.WriteLineAsync($"warning: could not remove {Prefix} from lo ({FirstLine(error)}); remove it with 'sudo ip addr del {Prefix} dev lo'.").ConfigureAwait(false);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunIpAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new LinkLocalException("--link-local needs the 'ip' command (package iproute2) on PATH.");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";
}
