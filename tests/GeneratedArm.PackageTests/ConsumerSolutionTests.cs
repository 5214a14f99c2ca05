using System.IO.Compression;

namespace GeneratedArm.PackageTests;

/// <summary>A new solution outside the repository that has only the packages: it builds strict and its tests pass.</summary>
public class ConsumerSolutionTests
{
    [Test]
    public async Task A_library_with_one_PackageReference_and_an_ArmSchema_item_builds_warning_free()
    {
        var workspace = await ConsumerWorkspace.GetAsync();

        var build = await Dotnet.RunAsync(workspace.Consumer, workspace.Environment,
            "build", "Contoso.Arm/Contoso.Arm.csproj", "-c", "Release", "--disable-build-servers");

        Assert.That(build.ExitCode, Is.Zero, build.Describe());
        Assert.That(build.Output, Does.Contain("0 Warning(s)"), build.Describe());
        Assert.That(Directory.Exists(Path.Combine(workspace.Packages, "generatedarm", workspace.Version)), Is.True,
            "GeneratedArm was restored from this run's feed into the consumer's own package folder");
    }

    [Test]
    public async Task Its_tests_read_DevTest_through_the_packaged_emulator_and_the_Azure_SDK_both_ways()
    {
        var workspace = await ConsumerWorkspace.GetAsync();

        var test = await Dotnet.RunAsync(workspace.Consumer, workspace.Environment,
            "test", "Contoso.Arm.Tests/Contoso.Arm.Tests.csproj", "-c", "Release", "--disable-build-servers");

        Assert.That(test.ExitCode, Is.Zero, test.Describe());
        Assert.That(test.Output, Does.Match(@"Failed:\s+0, Passed:\s+3\b"), test.Describe());
    }

    [Test]
    public async Task An_ArmSchema_pattern_that_matches_no_file_is_a_build_warning_naming_the_pattern()
    {
        var workspace = await ConsumerWorkspace.GetAsync();
        string probe = Path.Combine(workspace.Root, $"probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(probe, "specs"));
        await File.WriteAllTextAsync(Path.Combine(probe, "specs", "a.json"), "{}");
        // The package's own build file, as NuGet imports it into a consumer, around a stand-in compile step.
        using (var package = ZipFile.OpenRead(workspace.PackagePath("GeneratedArm")))
        {
            package.GetEntry("build/GeneratedArm.targets")!.ExtractToFile(Path.Combine(probe, "GeneratedArm.targets"));
        }

        await File.WriteAllTextAsync(Path.Combine(probe, "probe.proj"), """
            <Project>
              <ItemGroup>
                <ArmSchema Include="specs/**/*.json" Namespace="Probe.Arm" />
                <ArmSchema Include="spec/**/*.json" Namespace="Probe.Typo" />
              </ItemGroup>
              <Import Project="GeneratedArm.targets" />
              <Target Name="CoreCompile">
                <Message Importance="high" Text="opted in: %(AdditionalFiles.Identity) ArmSchema=%(AdditionalFiles.ArmSchema) ArmNamespace=%(AdditionalFiles.ArmNamespace)" />
              </Target>
            </Project>
            """);

        var build = await Dotnet.RunAsync(probe, workspace.Environment, "msbuild", "probe.proj", "-t:CoreCompile", "-nologo", "--disable-build-servers");

        Assert.That(build.ExitCode, Is.Zero, build.Describe());
        Assert.That(build.Output, Does.Contain("warning GARM101: <ArmSchema Include=\"spec/**/*.json\"> matches no file"), build.Describe());
        Assert.That(build.Output, Does.Not.Contain("<ArmSchema Include=\"specs/**/*.json\">"), build.Describe());
        Assert.That(build.Output, Does.Contain("opted in: specs/a.json ArmSchema=true ArmNamespace=Probe.Arm"), build.Describe());
    }
}
