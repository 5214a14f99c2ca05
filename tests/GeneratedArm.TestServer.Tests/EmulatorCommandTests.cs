using System.CommandLine;

namespace GeneratedArm.TestServer.Tests;

/// <summary><see cref="EmulatorCommand"/> (mounted as <c>garm emulator</c>) is the standalone emulator's command, not a copy of it.</summary>
public class EmulatorCommandTests
{
    [Test]
    public void EmulatorCommand_offers_every_flag_of_the_standalone_command()
    {
        var standalone = Program.BuildCommand();

        var mounted = EmulatorCommand.Create();

        var standaloneFlags = standalone.Options.Where(o => o is not System.CommandLine.Help.HelpOption and not VersionOption).Select(o => o.Name);
        Assert.That(mounted.Options.Select(o => o.Name), Is.EquivalentTo(standaloneFlags));
        Assert.That(mounted.Name, Is.EqualTo("emulator"));
        Assert.That(mounted.Action, Is.Not.Null);
    }

    [TestCase("--imds-url", "http://0.0.0.0:0", "loopback")]
    [TestCase("--key", "/tmp/key.pem", "--key requires --cert")]
    [TestCase("--bogus", "x", "Unrecognized")]
    public void Mounted_under_another_root_it_keeps_the_standalone_checks(string flag, string value, string expected)
    {
        var root = new RootCommand("host") { EmulatorCommand.Create() };

        var result = root.Parse(["emulator", flag, value]);

        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains(expected));
    }
}
