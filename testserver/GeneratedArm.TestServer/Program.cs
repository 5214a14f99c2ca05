using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using GeneratedArm.TestServer.DevMachine;
using GeneratedArm.TestServer.Hosting;
using GeneratedArm.TestServer.Identity;

namespace GeneratedArm.TestServer;

/// <summary>
/// Standalone emulator: <c>dotnet run --project testserver/GeneratedArm.TestServer -- --imds-url http://127.0.0.1:0 --arm-url https://127.0.0.1:0</c>.
/// Prints its ready line (then the client setup), serves until Ctrl+C/SIGTERM, exits 0; bad flags exit 1, startup failures (port in use, bad files) exit 2.
/// </summary>
public static class Program
{
    // ProcessTerminationTimeout = null: the action handles SIGINT/SIGTERM itself and exits 0 after a clean stop
    // (System.CommandLine would otherwise answer SIGTERM with exit code 143 without waiting for the shutdown).
    public static Task<int> Main(string[] args) =>
        BuildCommand().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    internal static RootCommand BuildCommand()
    {
        var imdsUrl = new Option<string>("--imds-url") { Description = "IMDS listen URL on loopback (port 0 picks a free port).", DefaultValueFactory = _ => "http://127.0.0.1:0" };
        var armUrl = new Option<string>("--arm-url") { Description = "ARM listen URL on loopback (https; port 0 picks a free port).", DefaultValueFactory = _ => "https://127.0.0.1:0" };
        var cert = new Option<FileInfo>("--cert") { Description = "PEM certificate for ARM's HTTPS (default: a generated self-signed one for localhost/127.0.0.1)." };
        var key = new Option<FileInfo>("--key") { Description = "PEM private key for --cert (if not inside the --cert file)." };
        var certOut = new Option<FileInfo>("--cert-out") { Description = "Write the HTTPS certificate (PEM) here so clients can trust it." };
        var state = new Option<FileInfo>("--state") { Description = "JSON state file (identities, tenants, role assignments, faults…; see testserver/README.md)." };
        var signingKey = new Option<FileInfo>("--signing-key") { Description = "PEM RSA key to sign tokens with; generated and saved there if missing (keeps the JWKS stable across restarts)." };
        var rateLimits = new Option<bool>("--imds-rate-limits") { Description = "Enforce IMDS's limits (20 requests/s, 5 concurrent → 429)." };
        // ARM side (testserver/ARM.md).
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Keep the state (resources, role assignments, identities) in this directory across restarts; every acknowledged write survives a crash." };
        var armThrottling = new Option<bool>("--arm-throttling") { Description = "Enforce ARM's token buckets (per subscription and principal: 250 reads +25/s, 200 writes +10/s, 200 deletes +10/s → 429)." };
        var anyApiVersion = new Option<bool>("--any-api-version") { Description = "Accept any well-formed api-version for every ARM resource type." };
        var noRbac = new Option<bool>("--no-rbac") { Description = "Do not enforce ARM role assignments (every authenticated caller may do everything)." };
        // On a developer's machine (testserver/README.md, "Emulator on your machine").
        var linkLocal = new Option<bool>("--link-local") { Description = "IMDS at its real address http://169.254.169.254 (port 80). Linux: added to lo if missing and removed on exit (needs root or CAP_NET_ADMIN + CAP_NET_BIND_SERVICE); macOS/Windows: add the loopback alias yourself." };
        var tokenSource = new Option<string>("--token-source") { Description = "Where tokens come from: 'emulated' (default, offline) or 'azure-cli' (your 'az login': real tokens for real Azure; the fake ARM is off).", DefaultValueFactory = _ => "emulated" };
        tokenSource.AcceptOnlyFromAmong("emulated", "azure-cli");
        var identityHeader = new Option<string>("--identity-header") { Description = "The App Service endpoint's secret (IDENTITY_HEADER) instead of a random one, e.g. for docker-compose." };
        var spec = new Option<string[]>("--spec") { Description = "An OpenAPI spec file or folder of a resource provider (repeatable): its resource types are validated and served as the provider would (testserver/ARM.md).", AllowMultipleArgumentsPerToken = false };

        var root = new RootCommand("GeneratedArm Azure emulator: fake IMDS, Entra token issuer and ARM on loopback.")
        {
            imdsUrl, armUrl, cert, key, certOut, state, signingKey, rateLimits,
            dataDir, armThrottling, anyApiVersion, noRbac, spec,
            linkLocal, tokenSource, identityHeader,
        };
        root.Validators.Add(result =>
        {
            if (result.GetValue(key) is not null && result.GetValue(cert) is null) result.AddError("--key requires --cert.");
            foreach (var (option, name) in new[] { (imdsUrl, "--imds-url"), (armUrl, "--arm-url") })
            {
                if (result.GetValue(option) is not { } text) continue;
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url)) { result.AddError($"{name} must be an absolute URL such as http://127.0.0.1:0, not '{text}'."); continue; }
                try { StandaloneEmulator.LoopbackEndPoint(url, name); }
                catch (ArgumentException e) { result.AddError(e.Message); }
            }
            if (result.GetValue(linkLocal) && result.GetResult(imdsUrl) is { Implicit: false }) result.AddError("--link-local and --imds-url exclude each other (--link-local listens on http://169.254.169.254).");
            if (result.GetValue(identityHeader) is { Length: 0 }) result.AddError("--identity-header must not be empty.");
            foreach (var file in new[] { result.GetValue(cert), result.GetValue(key), result.GetValue(state) })
                if (file is { Exists: false }) result.AddError($"File not found: {file.FullName}");
            foreach (string path in result.GetValue(spec) ?? [])
                if (!File.Exists(path) && !Directory.Exists(path)) result.AddError($"Spec not found: {Path.GetFullPath(path)} (give a spec file or a folder of spec files).");
        });

        root.SetAction(async (parse, cancellationToken) =>
        {
            LinkLocalAddress? linkLocalAddress = null;
            if (parse.GetValue(linkLocal))
            {
                try { linkLocalAddress = await LinkLocalAddress.EnsureOnLoopbackAsync(cancellationToken).ConfigureAwait(false); }
                catch (LinkLocalException e)
                {
                    await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                    return 2;
                }
            }
            try
            {
                return await RunAsync(parse, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (linkLocalAddress is not null) await linkLocalAddress.DisposeAsync().ConfigureAwait(false);
            }
        });
        return root;

        async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            StandaloneEmulator emulator;
            bool azureCli = parse.GetValue(tokenSource) == "azure-cli";
            try
            {
                X509Certificate2? certificate = parse.GetValue(cert) is { } certFile ? Certificates.LoadPem(certFile.FullName, parse.GetValue(key)?.FullName) : null;
                // With --data-dir and no --signing-key, the key lives in the data directory too, so tokens issued before a restart still validate.
                var dataDirectory = parse.GetValue(dataDir);
                if (dataDirectory is not null) Directory.CreateDirectory(dataDirectory.FullName);
                SigningKey? tokenKey = parse.GetValue(signingKey) is { } keyFile ? LoadOrCreateSigningKey(keyFile)
                    : dataDirectory is not null ? LoadOrCreateSigningKey(new FileInfo(Path.Combine(dataDirectory.FullName, "signing-key.pem"))) : null;
                var stateFile = parse.GetValue(state) is { } stateInfo ? StateFile.Load(stateInfo.FullName) : null;
                IReadOnlyList<string> specProblems = [];
                var options = new StandaloneOptions
                {
                    ImdsUrl = new Uri(parse.GetValue(imdsUrl)!),
                    ArmUrl = new Uri(parse.GetValue(armUrl)!),
                    Certificate = certificate,
                    LinkLocal = parse.GetValue(linkLocal),
                };
                emulator = await StandaloneEmulator.StartAsync(options, b =>
                {
                    stateFile?.ApplyTo(b);
                    if (tokenKey is not null) b.UseSigningKey(tokenKey);
                    if (parse.GetValue(rateLimits)) b.EnableImdsRateLimits();
                    if (dataDirectory is not null) b.UseDataDirectory(dataDirectory.FullName);
                    if (parse.GetValue(armThrottling)) b.EnableArmThrottling();
                    if (parse.GetValue(anyApiVersion)) b.AcceptAnyApiVersion();
                    if (parse.GetValue(noRbac)) b.EnforceRbac(false);
                    if (parse.GetValue(identityHeader) is { } secret) b.WithAppServiceIdentityHeader(secret);
                    if (azureCli) b.UseAzureCliTokens(new AzureCliSettings { Log = Console.Error });
                    if (parse.GetValue(spec) is { Length: > 0 } specs)
                    {
                        b.AddResourceProviderSpecs(specs);
                        specProblems = b.ResourceProviderSpecProblems;
                    }
                }, cancellationToken).ConfigureAwait(false);
                // Reported once at start; those paths are served as generic resources.
                foreach (string problem in specProblems) await Console.Error.WriteLineAsync("spec: " + problem).ConfigureAwait(false);
            }
            catch (IOException e) when (parse.GetValue(linkLocal) && e.InnerException is SocketException { SocketErrorCode: SocketError.AccessDenied or SocketError.AddressNotAvailable } socket)
            {
                string message = socket.SocketErrorCode == SocketError.AccessDenied ? LinkLocalAddress.PermissionMessage : LinkLocalAddress.MissingAliasMessage;
                await Console.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
                return 2;
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await Console.Error.WriteLineAsync($"error: cannot listen: {e.Message} (port already in use; pass port 0 to pick a free one)").ConfigureAwait(false);
                return 2;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            // Stop cleanly on Ctrl+C (SIGINT), SIGTERM (docker stop, kill) and SIGQUIT. The registrations outlive the emulator's shutdown, so a
            // second signal while it stops is absorbed rather than killing the process; TrySetResult never throws, whenever a signal lands.
            var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                stopRequested.TrySetResult();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
            using var cancelled = cancellationToken.Register(() => stopRequested.TrySetResult());
            await using (emulator.ConfigureAwait(false))
            {
                if (parse.GetValue(certOut) is { } certOutFile)
                    await File.WriteAllTextAsync(certOutFile.FullName, emulator.Certificate.ExportCertificatePem() + "\n", CancellationToken.None).ConfigureAwait(false);
                Console.WriteLine(emulator.ReadyLine);
                foreach (var line in ClientSetup.Describe(emulator, parse.GetValue(linkLocal), parse.GetValue(certOut)?.FullName)) Console.WriteLine(line);
                await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await stopRequested.Task.ConfigureAwait(false);
            }
            await Console.Error.WriteLineAsync("GeneratedArm emulator stopped.").ConfigureAwait(false);
            return 0;
        }
    }

    private static SigningKey LoadOrCreateSigningKey(FileInfo file)
    {
        if (file.Exists) return SigningKey.FromPem(File.ReadAllText(file.FullName));
        var key = SigningKey.Generate();
        File.WriteAllText(file.FullName, key.ExportPrivateKeyPem());
        return key;
    }
}
