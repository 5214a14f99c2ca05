using System.IO.Compression;
using System.Xml.Linq;

namespace GeneratedArm.PackageTests;

/// <summary>What a user expects of each package, read from the packed files.</summary>
public class PackageContentTests
{
    private static readonly string[] Ids = ["GeneratedArm", "GeneratedArm.Generators", "GeneratedArm.TestServer", "GeneratedArm.Azure", "GeneratedArm.Cli"];

    private static async Task<(XElement Metadata, string[] Files)> ReadAsync(string id)
    {
        var workspace = await ConsumerWorkspace.GetAsync();
        using var package = ZipFile.OpenRead(workspace.PackagePath(id));
        var nuspec = package.GetEntry($"{id}.nuspec")!;
        await using var stream = nuspec.Open();
        var document = await XDocument.LoadAsync(stream, LoadOptions.None, CancellationToken.None);
        return (document.Root!.Elements().Single(e => e.Name.LocalName == "metadata"), package.Entries.Select(e => e.FullName).ToArray());
    }

    private static string Value(XElement metadata, string name) => (string?)metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name) ?? string.Empty;

    private static string[] Dependencies(XElement metadata) =>
        metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToArray();

    [TestCaseSource(nameof(Ids))]
    public async Task Has_the_run_version_a_description_the_MIT_licence_expression_and_the_README(string id)
    {
        var workspace = await ConsumerWorkspace.GetAsync();
        var (metadata, files) = await ReadAsync(id);

        Assert.That(Value(metadata, "version"), Is.EqualTo(workspace.Version));
        Assert.That(Value(metadata, "description"), Is.Not.Empty);
        Assert.That(Value(metadata, "license"), Is.EqualTo("MIT"));
        Assert.That(Value(metadata, "readme"), Is.EqualTo("README.md"));
        Assert.That(files, Does.Contain("README.md"));
    }

    [TestCase("GeneratedArm")]
    [TestCase("GeneratedArm.TestServer")]
    [TestCase("GeneratedArm.Azure")]
    [TestCase("GeneratedArm.Cli")]
    public async Task Ships_a_symbols_package(string id)
    {
        var workspace = await ConsumerWorkspace.GetAsync();

        Assert.That(File.Exists(Path.ChangeExtension(workspace.PackagePath(id), ".snupkg")), Is.True);
    }

    [Test]
    public async Task GeneratedArm_carries_the_generator_its_build_files_and_XML_docs_without_depending_on_the_generator_ASP_NET_Core_or_Azure_Core()
    {
        var (metadata, files) = await ReadAsync("GeneratedArm");

        Assert.That(files, Is.SupersetOf(new[]
        {
            "lib/net10.0/GeneratedArm.dll", "lib/net10.0/GeneratedArm.xml", "analyzers/dotnet/cs/GeneratedArm.Generators.dll",
            "build/GeneratedArm.props", "build/GeneratedArm.targets", "buildTransitive/GeneratedArm.props", "buildTransitive/GeneratedArm.targets",
        }));
        Assert.That(Dependencies(metadata), Has.None.StartsWith("GeneratedArm").And.None.StartsWith("Azure.").And.None.StartsWith("Microsoft.AspNetCore"));
        Assert.That(metadata.Descendants().Where(e => e.Name.LocalName == "frameworkReference"), Is.Empty);
    }

    [Test]
    public async Task GeneratedArm_Generators_is_the_generator_alone()
    {
        var (metadata, files) = await ReadAsync("GeneratedArm.Generators");

        Assert.That(files, Does.Contain("analyzers/dotnet/cs/GeneratedArm.Generators.dll").And.Contain("build/GeneratedArm.Generators.targets"));
        Assert.That(files, Has.None.StartsWith("lib/"));
        Assert.That(Dependencies(metadata), Is.Empty);
    }

    [Test]
    public async Task GeneratedArm_TestServer_brings_ASP_NET_Core_as_a_framework_reference()
    {
        var (metadata, files) = await ReadAsync("GeneratedArm.TestServer");

        Assert.That(files, Does.Contain("lib/net10.0/GeneratedArm.TestServer.dll"));
        Assert.That(metadata.Descendants().Where(e => e.Name.LocalName == "frameworkReference").Select(e => (string)e.Attribute("name")!), Does.Contain("Microsoft.AspNetCore.App"));
    }

    [Test]
    public async Task GeneratedArm_Azure_depends_on_the_runtime_and_Azure_Core()
    {
        var (metadata, _) = await ReadAsync("GeneratedArm.Azure");

        Assert.That(Dependencies(metadata), Is.EquivalentTo(new[] { "GeneratedArm", "Azure.Core" }));
    }

    [Test]
    public async Task GeneratedArm_Cli_is_a_dotnet_tool_whose_command_is_garm()
    {
        var workspace = await ConsumerWorkspace.GetAsync();
        var (metadata, files) = await ReadAsync("GeneratedArm.Cli");
        using var package = ZipFile.OpenRead(workspace.PackagePath("GeneratedArm.Cli"));
        await using var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open();
        var command = (await XDocument.LoadAsync(settings, LoadOptions.None, CancellationToken.None)).Descendants("Command").Single();

        Assert.That(metadata.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => (string)e.Attribute("name")!), Does.Contain("DotnetTool"));
        Assert.That((string)command.Attribute("Name")!, Is.EqualTo("garm"));
        Assert.That(files, Does.Contain("tools/net10.0/any/garm.dll"));
    }
}
