using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GeneratedArm.TestServer.DevMachine;

/// <summary>Settings of the <c>azure-cli</c> token source (standalone <c>--token-source azure-cli</c>).</summary>
public sealed record AzureCliSettings
{
    /// <summary>The directories searched for <c>az</c> (default: this process's <c>PATH</c>).</summary>
    public string? SearchPath { get; init; }

    /// <summary>How long one <c>az account get-access-token</c> may take before the token request gets an error.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where each token request is logged (resource, protocol, client process; never the token). Null: not logged.</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>A token obtained from the Azure CLI, with what the managed-identity protocols report about it.</summary>
internal sealed record CliToken(string AccessToken, DateTimeOffset ExpiresOn, DateTimeOffset NotBefore, string ClientId)
{
    /// <summary>Everything but the token: a record prints all its members, and a token must never reach a log.</summary>
    public override string ToString() => $"CliToken {{ ExpiresOn = {ExpiresOn:O}, NotBefore = {NotBefore:O}, ClientId = {ClientId} }}";
}

/// <summary>A token request the Azure CLI could not serve; <see cref="Exception.Message"/> says what to do, in one line.</summary>
public sealed class AzureCliException(string message) : Exception(message);

/// <summary>
/// Real tokens for real Azure: runs the developer's <c>az account get-access-token --resource R --output json</c>, caches the result per
/// resource until 5 minutes before it expires (as IMDS caches, see <see cref="Identity.TokenIssuer.ReuseMargin"/>) and lets one <c>az</c>
/// call per resource be in flight: concurrent requests for the same resource share it. Failures are not cached, so the next request
/// tries again (after <c>az login</c>, say).
/// </summary>
internal sealed class AzureCliTokenSource(AzureCliSettings settings, TimeProvider clock, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public AzureCliSettings Settings => settings;

    /// <summary>The cached token for <paramref name="resource"/>, or the one being fetched, or a new <c>az</c> call.</summary>
    public Task<CliToken> GetTokenAsync(string resource)
    {
        var entry = _entries.GetOrAdd(resource, _ => new Entry());
        lock (entry)
        {
            if (entry.Token is { } token && token.ExpiresOn - clock.GetUtcNow() > Identity.TokenIssuer.ReuseMargin)
                return Task.FromResult(token);
            if (entry.InFlight is { } pending) return pending;
            var fetch = FetchAsync(resource, entry);
            // A fetch that completed synchronously has already cleared InFlight; only a pending one is shared.
            if (!fetch.IsCompleted) entry.InFlight = fetch;
            return fetch;
        }
    }

    /// <summary>Forgets every cached token.</summary>
    public void Clear() => _entries.Clear();

    private async Task<CliToken> FetchAsync(string resource, Entry entry)
    {
        try
        {
            var token = await RunCliAsync(resource).ConfigureAwait(false);
            lock (entry) entry.Token = token;
            return token;
        }
        finally
        {
            lock (entry) entry.InFlight = null;
        }
    }

    private async Task<CliToken> RunCliAsync(string resource)
    {
        string az = FindCli() ?? throw new AzureCliException(
            "The Azure CLI ('az') was not found on PATH: install it (https://aka.ms/azure-cli) and run 'az login', or start the emulator without --token-source azure-cli.");
        var start = new ProcessStartInfo(az)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "account", "get-access-token", "--resource", resource, "--output", "json" }) start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new AzureCliException($"Could not start '{az}'.");
        }
        catch (Win32Exception e)
        {
            throw new AzureCliException($"Could not run the Azure CLI ('{az}'): {e.Message}. Check the installation, then run 'az login'.");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(settings.Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new AzureCliException(
                    $"'az account get-access-token' did not finish within {settings.Timeout.TotalSeconds:0} s: run it yourself to see what it waits for (a login prompt?), then try again.");
            }
            string output = await stdout.ConfigureAwait(false);
            string error = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0) throw new AzureCliException(DescribeFailure(process.ExitCode, error));
            return Parse(output, clock.GetUtcNow());
        }
    }

    /// <summary>
    /// The Azure CLI says "Please run 'az login' to setup account." when nobody is logged in, and mentions 'az login' when a refresh token has
    /// expired or needs MFA; Azure.Identity's AzureCliCredential keys on the same text (azure-sdk-for-net AzureCliCredential.cs, "az login").
    /// </summary>
    internal static string DescribeFailure(int exitCode, string stderr)
    {
        string firstLine = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        if (stderr.Contains("az login", StringComparison.OrdinalIgnoreCase))
            return $"The Azure CLI is not logged in (or its login expired): run 'az login', then request the token again. (az: {firstLine})";
        return $"'az account get-access-token' failed with exit code {exitCode}: {(firstLine.Length > 0 ? firstLine.TrimEnd('.') : "no message")}. Run it yourself to see why.";
    }

    /// <summary>
    /// Reads <c>az account get-access-token --output json</c>: <c>accessToken</c>, <c>expires_on</c> (POSIX seconds, Azure CLI 2.54.0 and
    /// later) or else <c>expiresOn</c> (local time, <c>yyyy-MM-dd HH:mm:ss.ffffff</c>), <c>tokenType</c>, <c>subscription</c>, <c>tenant</c>
    /// (learn.microsoft.com/cli/azure/account#az-account-get-access-token; azure-sdk-for-net AzureCliCredential reads the same two fields).
    /// </summary>
    internal static CliToken Parse(string json, DateTimeOffset now)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string token = root.TryGetProperty("accessToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            if (token.Length == 0) throw new AzureCliException("'az account get-access-token' printed no accessToken: update the Azure CLI ('az upgrade') and try again.");
            DateTimeOffset expiresOn;
            if (root.TryGetProperty("expires_on", out var posix) && posix.ValueKind == JsonValueKind.Number)
            {
                expiresOn = DateTimeOffset.FromUnixTimeSeconds(posix.GetInt64());
            }
            else if (root.TryGetProperty("expiresOn", out var local) && local.ValueKind == JsonValueKind.String
                     && DateTime.TryParse(local.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var parsed))
            {
                expiresOn = new DateTimeOffset(parsed);
            }
            else
            {
                throw new AzureCliException("'az account get-access-token' printed no expiry (expires_on/expiresOn): update the Azure CLI ('az upgrade') and try again.");
            }
            var (notBefore, clientId) = ReadClaims(token, now);
            return new CliToken(token, expiresOn, notBefore, clientId);
        }
        catch (JsonException)
        {
            throw new AzureCliException("'az account get-access-token' did not print JSON: run it yourself to see why (an old Azure CLI? 'az upgrade').");
        }
    }

    // nbf and appid of an Entra token, read without validating (the emulator only reports them); an opaque token gets now and "".
    private static (DateTimeOffset NotBefore, string ClientId) ReadClaims(string token, DateTimeOffset now)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            DateTimeOffset notBefore = jwt.TryGetPayloadValue("nbf", out long nbf) ? DateTimeOffset.FromUnixTimeSeconds(nbf) : now;
            string clientId = jwt.TryGetPayloadValue("appid", out string appId) ? appId
                : jwt.TryGetPayloadValue("azp", out string azp) ? azp : "";
            return (notBefore, clientId);
        }
        catch (ArgumentException)
        {
            return (now, "");
        }
    }

    private string? FindCli()
    {
        string path = settings.SearchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        // On Windows the Azure CLI is az.cmd (untested: the emulator's tests run on Linux).
        string[] names = OperatingSystem.IsWindows() ? ["az.cmd", "az.exe"] : ["az"];
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        }

        return null;
    }

    private sealed class Entry
    {
        public CliToken? Token;
        public Task<CliToken>? InFlight;
    }
}
