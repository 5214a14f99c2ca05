using System.Reflection;
using System.Xml.Linq;

namespace GeneratedArm.PackageTests;

/// <summary>
/// A folder outside the repository holding what a user would have: a local feed made by <c>dotnet pack</c>, a new
/// consumer solution whose only package sources are that feed and nuget.org, and (on demand) garm installed as a tool.
/// Packed once per test run, with a version unique to the run, and restored into a package folder of its own, so no
/// test can consume a stale package.
/// </summary>
internal sealed class ConsumerWorkspace
{
    /// <summary>NuGet's default source, the one a machine has without any configuration.</summary>
    public const string NuGetOrg = "https://api.nuget.org/v3/index.json";

    private static readonly Lazy<Task<ConsumerWorkspace>> Shared = new(CreateAsync);
    private readonly Lazy<Task<string>> _garm;

    private ConsumerWorkspace(string root, string version)
    {
        Root = root;
        Version = version;
        _garm = new Lazy<Task<string>>(InstallGarmAsync);
    }

    /// <summary>The run's workspace, created by the first test that asks.</summary>
    public static Task<ConsumerWorkspace> GetAsync() => Shared.Value;

    /// <summary>Whether any test created the workspace (so there is something to delete).</summary>
    public static bool Created => Shared.IsValueCreated;

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    public string Root { get; }

    /// <summary>The version every package of this run has, e.g. <c>0.1.0-test.20261207051500123</c>.</summary>
    public string Version { get; }

    public string Feed => Path.Combine(Root, "feed");

    public string Consumer => Path.Combine(Root, "consumer");

    /// <summary>The consumer's own NuGet package folder; the machine's folder is only a read-only fallback.</summary>
    public string Packages => Path.Combine(Root, "packages");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    /// <summary>Installs garm from the feed (once) and returns the path of the command.</summary>
    public Task<string> GarmAsync() => _garm.Value;

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    private static async Task<ConsumerWorkspace> CreateAsync()
    {
        string root = Path.Combine(Path.GetTempPath(), $"garm-consumer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        string stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        string feed = Path.Combine(root, "feed");

        // The README's local-feed command, with a version suffix unique to this run. The solution is already built.
        var pack = await Dotnet.RunAsync(RepositoryRoot, new Dictionary<string, string>(),
            "pack", "GeneratedArm.sln", "-c", Configuration, "-o", feed, "--no-build", "--disable-build-servers", $"-p:VersionSuffix=test.{stamp}");
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + pack.Describe());
        }

        string runtime = Directory.GetFiles(feed, "GeneratedArm.*.nupkg").Select(Path.GetFileName).Single(n => char.IsDigit(n![13]))!;
        var workspace = new ConsumerWorkspace(root, runtime["GeneratedArm.".Length..^".nupkg".Length]);
        workspace.WriteConsumer();
        return workspace;
    }

    private void WriteConsumer()
    {
        string data = Path.Combine(RepositoryRoot, "tests", "GeneratedArm.PackageTests", "TestData");
        CopyDirectory(Path.Combine(data, "Consumer"), Consumer);
        CopyDirectory(Path.Combine(data, "specs"), Path.Combine(Consumer, "Contoso.Arm", "specs"));
        // In the solution folder, as a user keeps it; garm is installed from elsewhere with the README's --add-source.
        File.WriteAllText(Path.Combine(Consumer, "nuget.config"), NuGetConfig());
        File.WriteAllText(Path.Combine(Consumer, "Directory.Packages.props"), PackageVersions());
    }

    /// <summary>Sources: the feed and nuget.org only; GeneratedArm packages may come from the feed alone.</summary>
    private string NuGetConfig()
    {
        string machinePackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var config = new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                Add("local", Feed),
                Add("nuget.org", NuGetOrg)),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "local"),
                    new XElement("package", new XAttribute("pattern", "GeneratedArm")),
                    new XElement("package", new XAttribute("pattern", "GeneratedArm.*"))),
                new XElement("packageSource", new XAttribute("key", "nuget.org"),
                    new XElement("package", new XAttribute("pattern", "*")))),
            // Third-party packages the machine already has are read from its folder instead of downloaded again.
            new XElement("fallbackPackageFolders",
                new XElement("clear"),
                Add("machine", machinePackages)));
        return config.ToString();

        static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));
    }

    /// <summary>The run's version for GeneratedArm's packages; the repository's own versions for everything else.</summary>
    private string PackageVersions()
    {
        var repository = XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        string[] ours = ["GeneratedArm", "GeneratedArm.Azure", "GeneratedArm.TestServer"];
        string[] theirs = ["Microsoft.NET.Test.Sdk", "NUnit", "NUnit3TestAdapter", "Azure.Identity", "Azure.ResourceManager"];
        var versions = new XElement("ItemGroup",
            ours.Select(id => PackageVersion(id, Version)).Concat(theirs.Select(id => PackageVersion(id, repository[id]))));
        return new XElement("Project", versions).ToString();

        static XElement PackageVersion(string id, string version) => new("PackageVersion", new XAttribute("Include", id), new XAttribute("Version", version));
    }

    /// <summary>The README's tool install, into a folder of its own instead of --global.</summary>
    private async Task<string> InstallGarmAsync()
    {
        string tools = Path.Combine(Root, "tools");
        var install = await Dotnet.RunAsync(Root, Environment,
            "tool", "install", "--tool-path", tools, "GeneratedArm.Cli", "--version", Version, "--add-source", Feed);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet tool install failed:\n" + install.Describe());
        }

        return Path.Combine(tools, OperatingSystem.IsWindows() ? "garm.exe" : "garm");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string Metadata(string key) =>
        typeof(ConsumerWorkspace).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>Deletes the run's workspace after the last test.</summary>
[SetUpFixture]
public sealed class ConsumerWorkspaceCleanup
{
    [OneTimeTearDown]
    public async Task DeleteWorkspace()
    {
        if (!ConsumerWorkspace.Created)
        {
            return;
        }

        try
        {
            var workspace = await ConsumerWorkspace.GetAsync();
            Directory.Delete(workspace.Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A failed pack already reported itself; a busy file only leaves a temp folder behind.
        }
    }
}
