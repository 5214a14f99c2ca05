using GeneratedArm.Identity;

namespace GeneratedArm.Cli;

/// <summary>
/// Turns the failures a user can expect (no IMDS, no role, no resource) into one plain line on stderr
/// and a non-zero exit code; anything else is a bug and keeps its stack trace.
/// </summary>
internal static class Failures
{
    public const int Failed = 1;

    public static async Task<int> ReportAsync(CliConsole console, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ManagedIdentityException ex)
        {
            await console.Error.WriteLineAsync($"garm: token request failed: {OneLine(ex.Message)}").ConfigureAwait(false);
            return Failed;
        }
        catch (ArmRequestException ex)
        {
            await console.Error.WriteLineAsync($"garm: ARM request failed: {OneLine(ex.Message)}").ConfigureAwait(false);
            return Failed;
        }
        catch (HttpRequestException ex)
        {
            await console.Error.WriteLineAsync($"garm: network error: {OneLine(ex.Message)}").ConfigureAwait(false);
            return Failed;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
