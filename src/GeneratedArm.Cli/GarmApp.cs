using System.CommandLine;
using GeneratedArm.Cli.Commands;

namespace GeneratedArm.Cli;

/// <summary>
/// The <c>garm</c> command line: <c>quickstart</c> runs the tutorial against the in-process emulator;
/// <c>token</c> and <c>get</c> run its two steps against real endpoints (an Azure VM's IMDS and ARM).
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
        var root = new RootCommand("GeneratedArm: reach Azure Resource Manager with a managed identity, or rehearse it offline.")
        {
            QuickstartCommand.Create(console),
            TokenCommand.Create(console),
            GetCommand.Create(console),
        };
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        return root.Parse(args).InvokeAsync(invocation, cancellationToken);
    }
}

/// <summary>Where a command writes, and the transport override tests use.</summary>
internal sealed record CliConsole(TextWriter Output, TextWriter Error, HttpMessageHandler? Transport);
