using System.Diagnostics;

namespace GeneratedArm.TestServer.Tests;

/// <summary>
/// Runs JavaScript clients against the standalone emulator program: npm packages installed into a temp folder, node scripts run
/// there, and the emulator started as its own process (as a developer runs it) so its flags are part of what is tested.
/// </summary>
internal static class NodeClient
{
    /// <summary>Ignores the test with the reason when node or npm is not on PATH.</summary>
    public static void RequireNodeAndNpm()
    {
        if (Which("node") is null || Which("npm") is null) Assert.Ignore("node and npm are needed (CI has both).");
    }

    /// <summary>A fresh folder with an ES-module package.json holding <paramref name="script"/> as run.mjs and the given packages installed.</summary>
    public static async Task<string> CreateProjectAsync(string name, string script, string[] packages, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(Path.GetTempPath(), name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), """{"private":true,"type":"module"}""", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "run.mjs"), script, cancellationToken);
        var (exit, output, errors) = await RunAsync("npm", folder, null, cancellationToken, ["install", "--no-audit", "--no-fund", "--loglevel=error", .. packages]);
        Assert.That(exit, Is.Zero, $"npm install {string.Join(' ', packages)} failed: {output}{errors}");
        return folder;
    }

    /// <summary>Deletes a folder from <see cref="CreateProjectAsync"/>; a leftover temp folder is not worth failing a test for.</summary>
    public static void DeleteProject(string? folder)
    {
        if (folder is null) return;
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Starts the standalone emulator program with <paramref name="arguments"/> and waits for its ready line.</summary>
    public static async Task<(Process Emulator, string ReadyLine)> StartEmulatorAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string a in arguments) start.ArgumentList.Add(a);
        var emulator = Process.Start(start)!;
        string? ready = await emulator.StandardOutput.ReadLineAsync(cancellationToken);
        if (ready is null) Assert.Fail("The emulator exited before its ready line: " + await emulator.StandardError.ReadToEndAsync(cancellationToken));
        return (emulator, ready!);
    }

    /// <summary>Stops an emulator from <see cref="StartEmulatorAsync"/>.</summary>
    public static void Stop(Process? emulator)
    {
        if (emulator is { HasExited: false }) emulator.Kill();
        emulator?.Dispose();
    }

    /// <summary>A <c>name=value</c> field of the ready line, e.g. <c>imds=</c>.</summary>
    public static string Field(string readyLine, string prefix) => readyLine.Split(' ').Single(p => p.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];

    /// <summary>Runs a program in <paramref name="folder"/>; a null value in <paramref name="environment"/> removes that variable.</summary>
    public static async Task<(int Exit, string Output, string Errors)> RunAsync(string program, string folder, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) start.Environment.Remove(name);
                else start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
