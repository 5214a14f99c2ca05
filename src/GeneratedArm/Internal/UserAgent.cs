using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace GeneratedArm.Internal;

/// <summary>The <c>User-Agent</c> and version strings, computed once.</summary>
internal static class UserAgent
{
    /// <summary>The library version without build metadata, e.g. <c>0.1.0</c>.</summary>
    public static readonly string Version = ComputeVersion();

    /// <summary><c>GeneratedArm/{version} ({runtime}; {os})</c>.</summary>
    public static readonly string Value = $"GeneratedArm/{Version} ({Sanitize(RuntimeInformation.FrameworkDescription)}; {Sanitize(RuntimeInformation.OSDescription)})";

    private static string ComputeVersion()
    {
        var assembly = typeof(UserAgent).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? informational[..plus] : informational;
        }

        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    /// <summary>Keeps a comment token valid: printable ASCII, no parentheses or backslashes.</summary>
    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var kept = c is > ' ' and <= '~' and not '(' and not ')' and not '\\' ? c : ' ';
            if (kept != ' ' || (builder.Length > 0 && builder[^1] != ' '))
            {
                builder.Append(kept);
            }
        }

        return builder.ToString().TrimEnd();
    }
}
