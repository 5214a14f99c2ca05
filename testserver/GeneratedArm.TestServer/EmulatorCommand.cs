using System.CommandLine;
using System.CommandLine.Help;

namespace GeneratedArm.TestServer;

/// <summary>
/// The standalone emulator's command line (every flag, validation and the run action of
/// <c>dotnet run --project testserver/GeneratedArm.TestServer</c>) as a <see cref="Command"/> another program can
/// mount as a subcommand, as <c>garm emulator</c> does. Built from <see cref="Program"/>'s own command, so a flag
/// added there appears here with no change.
/// </summary>
public static class EmulatorCommand
{
    /// <summary>The subcommand name <see cref="Create"/> uses by default.</summary>
    public const string DefaultName = "emulator";

    /// <summary>Creates the emulator command.</summary>
    /// <param name="name">The subcommand name.</param>
    /// <returns>
    /// A command that prints its ready line (then the client setup) and serves until SIGINT/SIGTERM. Invoke it with
    /// <c>InvocationConfiguration.ProcessTerminationTimeout = null</c> so the action, not System.CommandLine,
    /// handles the signal and the process exits 0 after a clean stop.
    /// </returns>
    public static Command Create(string name = DefaultName)
    {
        var root = Program.BuildCommand();
        var command = new Command(name, root.Description);
        // --help and --version belong to whichever root command mounts this one.
        foreach (var option in root.Options.Where(o => o is not HelpOption and not VersionOption))
        {
            command.Options.Add(option);
        }

        foreach (var argument in root.Arguments)
        {
            command.Arguments.Add(argument);
        }

        foreach (var subcommand in root.Subcommands)
        {
            command.Subcommands.Add(subcommand);
        }

        foreach (var validator in root.Validators)
        {
            command.Validators.Add(validator);
        }

        command.Action = root.Action;
        return command;
    }
}
