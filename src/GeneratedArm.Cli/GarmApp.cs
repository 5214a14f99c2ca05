using System.CommandLine;
using GeneratedArm.Cli.Commands;
using GeneratedArm.TestServer;

namespace GeneratedArm.Cli;

/// <summary>
/// The <c>garm</c> command line: <c>quickstart</c> runs the tutorial against the in-process emulator;
/// <c>token</c> and <c>get</c> run its two steps against real endpoints (an Azure VM's IMDS and ARM);
/// <c>emulator</c> is the standalone emulator's own command line, mounted as it is.
/// </summary>
internal static class GarmApp
{
    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    /// <param name="transport">Replaces the network for every command (tests pass the emulator's handler).</param>
    public static Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter error,
        HttpMessageHandler? transport = null,
        CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(output, error, transport);
        var emulator = EmulatorCommand.Create();
        var root = new RootCommand("GeneratedArm: reach Azure Resource Manager with a managed identity, or rehearse it offline.")
        {
            QuickstartCommand.Create(console),
            TokenCommand.Create(console),
            GetCommand.Create(console),
            emulator,
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !IsHelpRequest(parse))
        {
            return ReportParseErrorsAsync(parse, error);
        }

        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (parse.CommandResult.Command == emulator)
        {
            // The emulator stops itself on SIGINT/SIGTERM and exits 0; System.CommandLine would exit 143 without waiting.
            invocation.ProcessTerminationTimeout = null;
        }

        return parse.InvokeAsync(invocation, cancellationToken);
    }

    private static bool IsHelpRequest(ParseResult parse) => parse.Action is System.CommandLine.Help.HelpAction;

    /// <summary>A bad flag is one line on stderr and exit code 1, not the help text.</summary>
    private static async Task<int> ReportParseErrorsAsync(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        var name = command.Parents.Any() ? $"garm {command.Name}" : "garm";
        var messages = string.Join(" ", parse.Errors.Select(e => e.Message.ReplaceLineEndings(" ").Trim()));
        await error.WriteLineAsync($"{name}: {messages} (see '{name} --help')").ConfigureAwait(false);
        return Failures.Failed;
    }
}

/// <summary>Where a command writes, and the transport override tests use.</summary>
internal sealed record CliConsole(TextWriter Output, TextWriter Error, HttpMessageHandler? Transport);
