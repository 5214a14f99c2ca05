using GeneratedArm.Cli;

namespace GeneratedArm.IntegrationTests;

/// <summary><c>garm emulator</c> and garm's handling of bad flags (the running emulator is tested from the installed tool in GeneratedArm.PackageTests).</summary>
public class GarmEmulatorCommandTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await GarmApp.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [TestCase("--imds-url", "http://10.0.0.4:0", "loopback")]
    [TestCase("--state", "/nonexistent/state.json", "File not found")]
    [TestCase("--no-such-flag", "x", "Unrecognized")]
    public async Task Garm_emulator_with_a_bad_flag_exits_1_with_one_line_on_stderr(string flag, string value, string expected)
    {
        var (exitCode, output, error) = await RunAsync("emulator", flag, value);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(output, Is.Empty);
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.StartWith("garm emulator: ").And.Contain(expected));
        });
    }

    [Test]
    public async Task Garm_emulator_help_lists_the_standalone_flags()
    {
        var (exitCode, output, _) = await RunAsync("emulator", "--help");

        Assert.That(exitCode, Is.Zero);
        Assert.That(output, Does.Contain("--imds-url").And.Contain("--arm-url").And.Contain("--cert-out").And.Contain("--data-dir"));
    }

    [Test]
    public async Task An_unknown_command_is_one_line_naming_garm()
    {
        var (exitCode, _, error) = await RunAsync("emulatr");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("garm: "));
    }
}
