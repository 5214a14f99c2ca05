namespace GeneratedArm.Generators.Tests.Infrastructure;

/// <summary>
/// Approved-file snapshots: each generated source is compared exactly with <c>&lt;hint&gt;.approved.txt</c> in a folder;
/// a mismatch writes <c>&lt;hint&gt;.received.txt</c> beside it (git-ignored). <c>GARM_APPROVE=1</c> accepts the output.
/// </summary>
internal static class ApprovedFiles
{
    public static string Directory(string name) => Path.Combine(GeneratorHarness.RepositoryRoot, "tests", "GeneratedArm.Generators.Tests", "Snapshots", name);

    /// <summary>Asserts every source matches its approved file and no approved file is left without a source.</summary>
    public static void Verify(string directory, IEnumerable<KeyValuePair<string, string>> sources)
    {
        System.IO.Directory.CreateDirectory(directory);
        bool approve = Environment.GetEnvironmentVariable("GARM_APPROVE") == "1";
        var mismatches = new List<string>();
        var hints = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string hintName, string source) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            hints.Add(hintName);
            string approvedPath = Path.Combine(directory, hintName + ".approved.txt");
            string receivedPath = Path.Combine(directory, hintName + ".received.txt");
            if (approve)
            {
                File.WriteAllText(approvedPath, source);
            }

            string? approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
            if (approved == source)
            {
                File.Delete(receivedPath);
                continue;
            }

            File.WriteAllText(receivedPath, source);
            mismatches.Add(approved is null ? $"{hintName}: no approved file; wrote {receivedPath}" : $"{hintName}: differs from the approved file at line {FirstDifferentLine(approved, source)}; wrote {receivedPath}");
        }

        string[] orphans = System.IO.Directory.GetFiles(directory, "*.approved.txt")
            .Select(p => Path.GetFileName(p)[..^".approved.txt".Length])
            .Where(hint => !hints.Contains(hint))
            .ToArray();

        Assert.That(mismatches, Is.Empty);
        Assert.That(orphans, Is.Empty, "approved files for sources that are no longer generated");
    }

    private static int FirstDifferentLine(string approved, string received)
    {
        string[] a = approved.Split('\n'), b = received.Split('\n');
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return i + 1;
            }
        }

        return Math.Min(a.Length, b.Length) + 1;
    }
}
