using System.Globalization;
using System.Text.Json;

namespace GeneratedArm.TestServer.Tests.DevMachine;

/// <summary>
/// A stand-in <c>az</c> in its own directory (put it first on <c>PATH</c>): this machine cannot log in to Azure, so tests use a script that
/// records each call and prints what <c>az account get-access-token --resource R --output json</c> prints (accessToken, expiresOn in local
/// time, expires_on in POSIX seconds, subscription, tenant, tokenType; learn.microsoft.com/cli/azure/account#az-account-get-access-token),
/// or fails as it does when nobody is logged in.
/// </summary>
internal sealed class StandInAzureCli : IDisposable
{
    // Records the arguments, waits while "hold" exists (so a test can keep calls in flight), then answers from files the test writes.
    private const string Script = """
        #!/bin/sh
        dir=$(dirname "$0")
        echo "$*" >> "$dir/calls"
        while [ -f "$dir/hold" ]; do sleep 0.02; done
        if [ -f "$dir/stderr" ]; then cat "$dir/stderr" >&2; exit 1; fi
        cat "$dir/stdout"
        """;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public StandInAzureCli()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"garm-az-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        string az = Path.Combine(Directory, "az");
        File.WriteAllText(az, Script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The directory holding <c>az</c> (the value to put on <c>PATH</c>).</summary>
    public string Directory { get; }

    /// <summary>The arguments of every call so far.</summary>
    public IReadOnlyList<string> Calls => File.Exists(Path.Combine(Directory, "calls")) ? File.ReadAllLines(Path.Combine(Directory, "calls")) : [];

    /// <summary>Answers with <paramref name="accessToken"/>, valid until <paramref name="expiresOn"/>.</summary>
    public void LoggedIn(string accessToken, DateTimeOffset expiresOn)
    {
        File.Delete(Path.Combine(Directory, "stderr"));
        string json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["accessToken"] = accessToken,
            ["expiresOn"] = expiresOn.LocalDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ["expires_on"] = expiresOn.ToUnixTimeSeconds(),
            ["subscription"] = TutorialDefaults.SubscriptionId,
            ["tenant"] = TutorialDefaults.TenantId,
            ["tokenType"] = "Bearer",
        }, Indented);
        File.WriteAllText(Path.Combine(Directory, "stdout"), json + "\n");
    }

    /// <summary>Fails as the Azure CLI does without a login.</summary>
    public void NotLoggedIn() => File.WriteAllText(Path.Combine(Directory, "stderr"), "ERROR: Please run 'az login' to setup account.\n");

    /// <summary>Keeps every call waiting until <see cref="Release"/>.</summary>
    public void Hold() => File.WriteAllText(Path.Combine(Directory, "hold"), "");

    public void Release() => File.Delete(Path.Combine(Directory, "hold"));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
