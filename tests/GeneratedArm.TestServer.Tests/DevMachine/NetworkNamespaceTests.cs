using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GeneratedArm.TestServer.Tests.DevMachine;

/// <summary>
/// The unchanged case, proven in an isolated network + mount namespace (<c>unshare --net --mount</c>): IMDS at 169.254.169.254 on the
/// namespace's loopback (<c>--link-local</c>), ARM on 127.0.0.1:443 with management.azure.com mapped there by a bind-mounted hosts file and
/// the emulator's certificate trusted through <c>SSL_CERT_FILE</c>. Then the tutorial's two <c>curl</c> commands run verbatim
/// (learn.microsoft.com/entra/identity/managed-identities-azure-resources/tutorial-linux-vm-access-arm, placeholders filled in), and so does a
/// program using DefaultAzureCredential and Azure.ResourceManager with no options (tests/GeneratedArm.UnmodifiedVmApp). Traffic never leaves
/// the namespace's loopback. Needs root and unshare/nsenter/ip/curl; skipped with the reason otherwise.
/// </summary>
[Platform(Include = "Linux", Reason = "Network namespaces are a Linux feature.")]
public class NetworkNamespaceTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    // The tutorial's commands, verbatim; <SUBSCRIPTION ID>, <RESOURCE GROUP> and <ACCESS TOKEN> are filled in as the tutorial asks.
    private const string TutorialTokenCommand =
        "curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/' -H Metadata:true";
    private const string TutorialArmCommand =
        "curl https://management.azure.com/subscriptions/<SUBSCRIPTION ID>/resourceGroups/<RESOURCE GROUP>?api-version=2016-09-01 -H \"Authorization: Bearer <ACCESS TOKEN>\"";

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Test]
    public async Task The_tutorials_curl_commands_and_an_unmodified_DefaultAzureCredential_app_read_DevTest_through_link_local_IMDS()
    {
        await SkipUnlessNamespacesWorkAsync();
        using var work = new WorkDirectory();
        string certificate = work.File("emulator.pem");
        await File.WriteAllTextAsync(work.File("hosts"), "127.0.0.1 localhost\n::1 localhost\n127.0.0.1 management.azure.com\n");

        await using var emulator = await NamespacedEmulator.StartAsync(work,
            "ip link set lo up && mount --bind \"$WORK/hosts\" /etc/hosts",
            $"--link-local --arm-url https://127.0.0.1:443 --cert-out \"{certificate}\"");

        var step2 = await emulator.RunInsideAsync(TutorialTokenCommand);
        string token = JsonDocument.Parse(step2.Stdout).RootElement.GetProperty("access_token").GetString()!;
        string armCommand = TutorialArmCommand.Replace("<SUBSCRIPTION ID>", TutorialDefaults.SubscriptionId, StringComparison.Ordinal)
            .Replace("<RESOURCE GROUP>", TutorialDefaults.ResourceGroupName, StringComparison.Ordinal)
            .Replace("<ACCESS TOKEN>", token, StringComparison.Ordinal);
        // curl 7.88 (Debian 12) ignores SSL_CERT_FILE and reads CURL_CA_BUNDLE; newer curl and .NET read SSL_CERT_FILE.
        var step3 = await emulator.RunInsideAsync(armCommand, ("SSL_CERT_FILE", certificate), ("CURL_CA_BUNDLE", certificate));
        string app = Path.Combine(AppContext.BaseDirectory, "GeneratedArm.UnmodifiedVmApp.dll");
        var program = await emulator.RunInsideAsync($"exec dotnet \"{app}\" {TutorialDefaults.SubscriptionId}", ("SSL_CERT_FILE", certificate));
        var (exitLine, loopback) = await emulator.StopAsync();

        Assert.That(step2.ExitCode, Is.Zero, step2.Stderr);
        Assert.That(step3.ExitCode, Is.Zero, step3.Stderr);
        Assert.That(JsonDocument.Parse(step3.Stdout).RootElement.GetProperty("name").GetString(), Is.EqualTo("DevTest"), step3.Stdout);
        Assert.That(program.ExitCode, Is.Zero, program.Stderr + program.Stdout);
        Assert.That(program.Stdout, Is.EqualTo("DevTest"));
        Assert.That(exitLine, Is.EqualTo("exit=0"), emulator.Stderr);
        Assert.That(loopback, Does.Not.Contain("169.254.169.254"), "the address the emulator added is removed on exit");
    }

    [Test]
    public async Task Link_local_mode_keeps_a_169_254_169_254_address_it_did_not_add_and_refuses_the_admin_API_through_it()
    {
        await SkipUnlessNamespacesWorkAsync();
        using var work = new WorkDirectory();

        await using var emulator = await NamespacedEmulator.StartAsync(work,
            "ip link set lo up && ip addr add 169.254.169.254/32 dev lo", "--link-local");
        var token = await emulator.RunInsideAsync(TutorialTokenCommand);
        // The admin API stays loopback-only: a caller reaching it through the link-local address is refused.
        var admin = await emulator.RunInsideAsync("curl -s -o /dev/null -w '%{http_code}' http://169.254.169.254/_emulator/state");
        var (exitLine, loopback) = await emulator.StopAsync();

        Assert.That(token.Stdout, Does.Contain("access_token"));
        Assert.That(admin.Stdout, Is.EqualTo("403"));
        Assert.That(exitLine, Is.EqualTo("exit=0"), emulator.Stderr);
        Assert.That(loopback, Does.Contain("169.254.169.254/32"));
    }

    [Test]
    public async Task Link_local_mode_without_CAP_NET_ADMIN_fails_with_one_line_saying_what_to_run()
    {
        await SkipUnlessNamespacesWorkAsync();
        string emulatorDll = typeof(Program).Assembly.Location;
        // Root without CAP_NET_ADMIN and CAP_NET_BIND_SERVICE: the capabilities leave the bounding set before dotnet starts.
        var result = await RunAsync("unshare", ["--net", "--", "sh", "-c",
            "ip link set lo up && exec setpriv --bounding-set=-net_admin,-net_bind_service -- dotnet \"$0\" --link-local", emulatorDll]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Stderr + result.Stdout);
        Assert.That(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), result.Stderr);
        Assert.That(result.Stderr, Does.StartWith("error: --link-local needs root or CAP_NET_ADMIN + CAP_NET_BIND_SERVICE").And.Contain("sudo"));
        Assert.That(result.Stdout, Is.Empty);
    }

    private static async Task SkipUnlessNamespacesWorkAsync()
    {
        if (GetEffectiveUserId() != 0) Assert.Ignore("Needs root (network namespaces, binding port 80 and 443); run the tests as root, as CI does.");
        foreach (var tool in new[] { "unshare", "nsenter", "ip", "curl", "mount", "setpriv" })
            if (!OnPath(tool)) Assert.Ignore($"Needs '{tool}' on PATH.");
        var probe = await RunAsync("unshare", ["--net", "--mount", "--", "ip", "link", "set", "lo", "up"]);
        if (probe.ExitCode != 0) Assert.Ignore($"'unshare --net --mount' does not work here: {probe.Stderr.Trim()}");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, tool)));

    internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

    private static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The unmodified app must find nothing but IMDS: no other managed-identity source, no credential settings.
        foreach (var name in new[] { "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "AZURE_CLIENT_ID", "AZURE_TENANT_ID",
                     "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TOKEN_CREDENTIALS", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{file} {string.Join(' ', start.ArgumentList)}' did not finish within {StepTimeout.TotalSeconds:0} s");
        }
        return new ProcessResult(process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    /// <summary>
    /// The standalone emulator in a new network + mount namespace, started by a shell that stays in the namespace: it prints the emulator's
    /// pid, waits for it, then prints its exit code and the loopback addresses (so the test sees what the emulator left behind).
    /// </summary>
    private sealed class NamespacedEmulator : IAsyncDisposable
    {
        private readonly Process _shell;
        private readonly int _emulatorPid;
        private readonly Task<string> _stderr;

        private NamespacedEmulator(Process shell, int emulatorPid, Task<string> stderr)
        {
            _shell = shell;
            _emulatorPid = emulatorPid;
            _stderr = stderr;
        }

        public string Stderr => _stderr.IsCompleted ? _stderr.Result : "(still running)";

        public static async Task<NamespacedEmulator> StartAsync(WorkDirectory work, string setup, string emulatorArguments)
        {
            string script = $"{setup} && {{ dotnet \"$EMULATOR\" {emulatorArguments} & pid=$!; echo \"pid=$pid\"; wait $pid; echo \"exit=$?\"; ip -o -4 addr show dev lo; }}";
            var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "--net", "--mount", "--", "sh", "-c", script }) start.ArgumentList.Add(argument);
            start.Environment["WORK"] = work.Path;
            start.Environment["EMULATOR"] = typeof(Program).Assembly.Location;
            var shell = Process.Start(start)!;
            var stderr = shell.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(StepTimeout);
            int pid = 0;
            bool ready = false;
            try
            {
                while (!ready)
                {
                    string? line = await shell.StandardOutput.ReadLineAsync(timeout.Token);
                    if (line is null) break;
                    if (line.StartsWith("pid=", StringComparison.Ordinal)) pid = int.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                    ready = line.StartsWith("GeneratedArm emulator ready:", StringComparison.Ordinal);
                }
            }
            catch (OperationCanceledException)
            {
            }
            if (!ready || pid == 0)
            {
                shell.Kill(entireProcessTree: true);
                Assert.Fail($"The emulator did not start in the namespace: {await stderr}");
            }
            return new NamespacedEmulator(shell, pid, stderr);
        }

        /// <summary>Runs a shell command line inside the emulator's namespaces.</summary>
        public Task<ProcessResult> RunInsideAsync(string commandLine, params (string Name, string Value)[] environment) =>
            RunAsync("nsenter", ["--target", _shell.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--net", "--mount", "--", "sh", "-c", commandLine], environment);

        /// <summary>SIGTERM to the emulator; returns the shell's "exit=N" line and the loopback addresses after the emulator exited.</summary>
        public async Task<(string ExitLine, string Loopback)> StopAsync()
        {
            Assert.That(Kill(_emulatorPid, 15), Is.Zero, "SIGTERM to the emulator");
            using var timeout = new CancellationTokenSource(StepTimeout);
            string rest = await _shell.StandardOutput.ReadToEndAsync(timeout.Token);
            await _shell.WaitForExitAsync(timeout.Token);
            var lines = rest.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string exitLine = lines.FirstOrDefault(l => l.StartsWith("exit=", StringComparison.Ordinal)) ?? "(no exit line)";
            return (exitLine, string.Join('\n', lines.SkipWhile(l => !l.StartsWith("exit=", StringComparison.Ordinal)).Skip(1)));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_shell.HasExited)
            {
                _shell.Kill(entireProcessTree: true);
                await _shell.WaitForExitAsync();
            }
            _shell.Dispose();
        }
    }

    private sealed class WorkDirectory : IDisposable
    {
        public WorkDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"garm-netns-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
