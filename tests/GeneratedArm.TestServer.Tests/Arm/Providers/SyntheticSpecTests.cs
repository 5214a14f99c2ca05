using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using static GeneratedArm.TestServer.Tests.Arm.ArmTestKit;

namespace GeneratedArm.TestServer.Tests.Arm.Providers;

/// <summary>
/// A synthetic spec (TestData/Specs/Contoso.Widgets) for what the real corpus lacks: a discriminator, a long-running PUT with
/// <c>final-state-via: location</c>, a POST action with an example, cross-file <c>$ref</c>s, and a path the emulator cannot use.
/// </summary>
public class SyntheticSpecTests
{
    internal static readonly string WidgetsSpec = Path.Combine(AppContext.BaseDirectory, "TestData", "Specs", "Contoso.Widgets", "stable", "2025-01-01", "widgets.json");
    private const string Version = "2025-01-01";
    private const string Widgets = $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Contoso.Widgets/widgets";

    private static string Widget(string name, string? suffix = null) => $"{Widgets}/{name}{suffix}?api-version={Version}";

    private static AzureEmulator Create(Action<EmulatorBuilder>? more = null) => AzureEmulator.Create(b =>
    {
        b.AddResourceProviderSpecs(WidgetsSpec).WithProviderOperations(polls: 0);
        more?.Invoke(b);
    });

    [Test]
    public async Task Put_validates_a_discriminated_subtype_and_reports_the_property_path_as_target()
    {
        await using var emulator = Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var missingRadius = await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3,"shape":{"kind":"circle"}}}""");
        using var wrongSide = await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3,"shape":{"kind":"square","side":"big"}}}""");
        using var unknownKind = await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3,"shape":{"kind":"hexagon"}}}""");
        using var square = await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3,"shape":{"kind":"square","side":4,"radius":9}}}""");

        var missing = (await JsonAsync(missingRadius)).GetProperty("error");
        Assert.That(missingRadius.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(missing.GetProperty("code").GetString(), Is.EqualTo("InvalidRequestContent"));
        Assert.That(missing.GetProperty("target").GetString(), Is.EqualTo("properties.shape.radius"));
        Assert.That((await JsonAsync(wrongSide)).GetProperty("error").GetProperty("target").GetString(), Is.EqualTo("properties.shape.side"));
        Assert.That((await JsonAsync(unknownKind)).GetProperty("error").GetProperty("target").GetString(), Is.EqualTo("properties.shape.kind"));
        Assert.That(square.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var shape = (await JsonAsync(square)).GetProperty("properties").GetProperty("shape");
        Assert.That(shape.GetProperty("side").GetInt32(), Is.EqualTo(4));
        Assert.That(shape.TryGetProperty("radius", out _), Is.False, "a property of another subtype is not part of the model");
    }

    [TestCase("""{"properties":{"size":3}}""", "location", "LocationRequired")]
    [TestCase("""{"location":"westus","properties":{}}""", "properties.size", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","properties":{"size":"3"}}""", "properties.size", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","properties":{"size":101}}""", "properties.size", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","properties":{"size":3,"color":"Purple"}}""", "properties.color", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","properties":{"size":3,"ownerId":"not-a-guid"}}""", "properties.ownerId", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","properties":{"size":3,"endpoint":"relative/path"}}""", "properties.endpoint", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","properties":{"size":3,"labels":["ok","much-too-long-label"]}}""", "properties.labels[1]", "InvalidRequestContent")]
    [TestCase("""{"location":"westus","tags":{"a":1},"properties":{"size":3}}""", "tags.a", "InvalidRequestContent")]
    public async Task Put_with_an_invalid_body_is_answered_400_with_the_offending_property_as_target(string body, string target, string code)
    {
        await using var emulator = Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Widget("w1"), emulator.CreateAdministratorToken(), body);

        var error = (await JsonAsync(response)).GetProperty("error");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code));
        Assert.That(error.GetProperty("target").GetString(), Is.EqualTo(target));
        Assert.That(emulator.State.FindResource(Widgets + "/w1"), Is.Null);
    }

    [Test]
    public async Task Extensible_enums_accept_other_values_and_read_only_properties_sent_by_the_client_are_ignored()
    {
        await using var emulator = Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Widget("w1"), emulator.CreateAdministratorToken(),
            """{"location":"West US","id":"/forged","properties":{"size":3,"tier":"Ultra","secretId":"11111111-1111-1111-1111-111111111111","provisioningState":"Failed","unknown":1}}""");

        var body = await JsonAsync(response);
        var properties = body.GetProperty("properties");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(body.GetProperty("id").GetString(), Is.EqualTo(Widgets + "/w1"));
        Assert.That(body.GetProperty("location").GetString(), Is.EqualTo("westus"));
        Assert.That(properties.GetProperty("tier").GetString(), Is.EqualTo("Ultra"));
        Assert.That(properties.GetProperty("secretId").GetString(), Is.Not.EqualTo("11111111-1111-1111-1111-111111111111").And.Match("^[0-9a-f-]{36}$"));
        Assert.That(properties.TryGetProperty("unknown", out _), Is.False);
        Assert.That(body.GetProperty("systemData").GetProperty("createdByType").GetString(), Is.EqualTo("Application"));
    }

    [Test]
    public async Task Free_form_objects_and_open_models_keep_what_they_are_given()
    {
        await using var emulator = Create();
        using var client = emulator.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, Widget("w1"), emulator.CreateAdministratorToken(),
            """{"location":"westus","properties":{"size":3,"metadata":{"any":{"nested":[1,2]}},"settings":{"mode":"fast","extra":true}}}""");

        var properties = (await JsonAsync(response)).GetProperty("properties");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(properties.GetProperty("metadata").GetProperty("any").GetProperty("nested")[1].GetInt32(), Is.EqualTo(2));
        Assert.That(properties.GetProperty("settings").GetProperty("extra").GetBoolean(), Is.True);
    }

    [Test]
    public async Task Long_running_put_is_accepted_with_operation_headers_and_succeeds_after_the_configured_polls()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(WidgetsSpec).WithProviderOperations(polls: 2));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var put = await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3}}""");
        string status = put.Headers.GetValues("Azure-AsyncOperation").Single();
        string location = put.Headers.Location!.ToString();
        var accepted = await JsonAsync(put);
        using var poll1 = await SendAsync(client, HttpMethod.Get, status, admin);
        using var result1 = await SendAsync(client, HttpMethod.Get, location, admin);
        using var poll3 = await SendAsync(client, HttpMethod.Get, status, admin);
        using var final = await SendAsync(client, HttpMethod.Get, location, admin);

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(accepted.GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Accepted"));
        Assert.That(status, Does.StartWith($"https://management.azure.com/subscriptions/{Sub}/providers/Contoso.Widgets/locations/westus/operationStatuses/").And.EndWith("?api-version=2025-01-01"));
        Assert.That((await JsonAsync(poll1)).GetProperty("status").GetString(), Is.EqualTo("InProgress"));
        Assert.That(result1.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await JsonAsync(poll3)).GetProperty("status").GetString(), Is.EqualTo("Succeeded"));
        Assert.That(final.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await JsonAsync(final)).GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Succeeded"));
    }

    [Test]
    public async Task Long_running_put_finishes_on_the_emulator_clock_without_polls()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = AzureEmulator.Create(b => b.UseTimeProvider(clock).AddResourceProviderSpecs(WidgetsSpec)
            .WithProviderOperations(polls: 100, duration: TimeSpan.FromSeconds(30)));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var put = await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3}}""");
        using var before = await SendAsync(client, HttpMethod.Get, Widget("w1"), admin);
        clock.Advance(TimeSpan.FromSeconds(31));
        using var after = await SendAsync(client, HttpMethod.Get, Widget("w1"), admin);

        Assert.That((await JsonAsync(before)).GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Accepted"));
        Assert.That((await JsonAsync(after)).GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Succeeded"));
    }

    [Test]
    public async Task A_provisioning_failure_rule_makes_one_operation_end_Failed_with_its_error()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(WidgetsSpec).WithProviderOperations(polls: 1)
            .FailProvisioning("**/widgets/doomed", "QuotaExceeded", "Widget quota exceeded."));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var put = await SendAsync(client, HttpMethod.Put, Widget("doomed"), admin, """{"location":"westus","properties":{"size":3}}""");
        string status = put.Headers.GetValues("Azure-AsyncOperation").Single();
        using var running = await SendAsync(client, HttpMethod.Get, status, admin);
        using var failed = await SendAsync(client, HttpMethod.Get, status, admin);
        using var location = await SendAsync(client, HttpMethod.Get, put.Headers.Location!.ToString(), admin);
        using var resource = await SendAsync(client, HttpMethod.Get, Widget("doomed"), admin);
        using var retry = await SendAsync(client, HttpMethod.Put, Widget("doomed"), admin, """{"location":"westus","properties":{"size":3}}""");
        using var retried = await SendAsync(client, HttpMethod.Get, retry.Headers.GetValues("Azure-AsyncOperation").Single(), admin);
        using var retriedDone = await SendAsync(client, HttpMethod.Get, retry.Headers.GetValues("Azure-AsyncOperation").Single(), admin);

        var failure = await JsonAsync(failed);
        Assert.That((await JsonAsync(running)).GetProperty("status").GetString(), Is.EqualTo("InProgress"));
        Assert.That(failure.GetProperty("status").GetString(), Is.EqualTo("Failed"));
        Assert.That(failure.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("QuotaExceeded"));
        Assert.That((await ErrorAsync(location)).Code, Is.EqualTo("QuotaExceeded"));
        Assert.That((await JsonAsync(resource)).GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Failed"));
        Assert.That((await JsonAsync(retriedDone)).GetProperty("status").GetString(), Is.EqualTo("Succeeded"), "the rule fires once");
        _ = retried;
    }

    [Test]
    public async Task Post_action_answers_the_spec_example_with_the_request_ids_and_names_substituted()
    {
        await using var emulator = Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        await SendAsync(client, HttpMethod.Put, Widget("mine"), admin, """{"location":"westus","properties":{"size":3}}""");

        using var keys = await SendAsync(client, HttpMethod.Post, Widget("mine", "/listKeys"), admin);
        using var restart = await SendAsync(client, HttpMethod.Post, Widget("mine", "/restart"), admin);
        using var missing = await SendAsync(client, HttpMethod.Post, Widget("absent", "/listKeys"), admin);

        var body = await JsonAsync(keys);
        Assert.That(keys.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("widgetId").GetString(), Is.EqualTo(Widgets + "/mine"));
        Assert.That(body.GetProperty("keys")[0].GetProperty("value").GetString(), Is.EqualTo("example-primary-key"));
        Assert.That(keys.Headers.Contains("x-ms-emulator-default-response"), Is.False);
        Assert.That(restart.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(restart.Headers.GetValues("x-ms-emulator-default-response").Single(), Is.EqualTo("true"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Long_running_post_action_answers_202_then_its_example_at_the_Location_url()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(WidgetsSpec).WithProviderOperations(polls: 1));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var put = await SendAsync(client, HttpMethod.Put, Widget("mine"), admin, """{"location":"westus","properties":{"size":3}}""");

        using var rotate = await SendAsync(client, HttpMethod.Post, Widget("mine", "/rotate"), admin);
        string location = rotate.Headers.Location!.ToString();
        using var running = await SendAsync(client, HttpMethod.Get, location, admin);
        using var done = await SendAsync(client, HttpMethod.Get, location, admin);

        var result = await JsonAsync(done);
        Assert.That(rotate.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(running.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(result.GetProperty("rotated").GetBoolean(), Is.True);
        Assert.That(result.GetProperty("widgetId").GetString(), Is.EqualTo(Widgets + "/mine"));
    }

    [Test]
    public async Task Post_action_is_authorized_as_namespace_type_action_action()
    {
        await using var emulator = Create(b => b.AddRoleAssignment(TutorialDefaults.SystemAssignedPrincipalId, Rbac.BuiltInRoles.ContributorId, SubscriptionScope));
        using var client = emulator.CreateClient();
        await SendAsync(client, HttpMethod.Put, Widget("mine"), emulator.CreateAdministratorToken(), """{"location":"westus","properties":{"size":3}}""");
        var readerOnly = Principal(Guid.NewGuid().ToString());
        await using var readerEmulator = Create(b => b.AddRoleAssignment(readerOnly.PrincipalId, Rbac.BuiltInRoles.ReaderId, SubscriptionScope));
        using var readerClient = readerEmulator.CreateClient();
        await SendAsync(readerClient, HttpMethod.Put, Widget("mine"), readerEmulator.CreateAdministratorToken(), """{"location":"westus","properties":{"size":3}}""");

        using var denied = await SendAsync(readerClient, HttpMethod.Post, Widget("mine", "/listKeys"), readerEmulator.CreateAccessToken(readerOnly));

        var (code, message) = await ErrorAsync(denied);
        Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(code, Is.EqualTo("AuthorizationFailed"));
        Assert.That(message, Does.Contain("'Contoso.Widgets/widgets/listKeys/action'"));
    }

    [Test]
    public async Task Child_list_pages_and_a_child_of_a_missing_parent_is_ParentResourceNotFound()
    {
        await using var emulator = Create(b => b.WithArmPageSize(2));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3}}""");
        foreach (string g in new[] { "g1", "g2", "g3" })
            Assert.That((await SendAsync(client, HttpMethod.Put, Widget("w1", "/gadgets/" + g), admin, """{"properties":{"mode":"On"}}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        using var orphan = await SendAsync(client, HttpMethod.Put, Widget("nope", "/gadgets/g1"), admin, """{"properties":{"mode":"On"}}""");
        using var page1 = await SendAsync(client, HttpMethod.Get, Widget("w1", "/gadgets"), admin);
        var first = await JsonAsync(page1);
        using var page2 = await SendAsync(client, HttpMethod.Get, first.GetProperty("nextLink").GetString()!, admin);
        var second = await JsonAsync(page2);

        Assert.That(orphan.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await ErrorAsync(orphan)).Code, Is.EqualTo("ParentResourceNotFound"));
        Assert.That(first.GetProperty("value").GetArrayLength(), Is.EqualTo(2));
        Assert.That(second.GetProperty("value").GetArrayLength(), Is.EqualTo(1));
        Assert.That(second.TryGetProperty("nextLink", out _), Is.False);
    }

    [Test]
    public async Task Long_running_delete_answers_202_and_the_resource_goes_when_the_operation_finishes()
    {
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(WidgetsSpec).WithProviderOperations(polls: 1));
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();
        using var put = await SendAsync(client, HttpMethod.Put, Widget("w1"), admin, """{"location":"westus","properties":{"size":3}}""");
        using var putDone = await SendAsync(client, HttpMethod.Get, put.Headers.Location!.ToString(), admin);
        await SendAsync(client, HttpMethod.Get, put.Headers.Location!.ToString(), admin);

        using var delete = await SendAsync(client, HttpMethod.Delete, Widget("w1"), admin);
        using var deleting = await SendAsync(client, HttpMethod.Get, Widget("w1"), admin);
        using var running = await SendAsync(client, HttpMethod.Get, delete.Headers.Location!.ToString(), admin);
        using var done = await SendAsync(client, HttpMethod.Get, delete.Headers.Location!.ToString(), admin);
        using var gone = await SendAsync(client, HttpMethod.Get, Widget("w1"), admin);

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await JsonAsync(deleting)).GetProperty("properties").GetProperty("provisioningState").GetString(), Is.EqualTo("Deleting"));
        Assert.That(running.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_path_the_spec_describes_unusably_is_reported_once_and_stays_a_generic_resource()
    {
        var builder = new EmulatorBuilder().AddResourceProviderSpecs(WidgetsSpec);
        await using var emulator = AzureEmulator.Create(b => b.AddResourceProviderSpecs(WidgetsSpec));
        using var client = emulator.CreateClient();

        using var put = await SendAsync(client, HttpMethod.Put, $"/subscriptions/{Sub}/resourceGroups/DevTest/providers/Contoso.Widgets/brokenThings/t1?api-version=2031-01-01",
            emulator.CreateAdministratorToken(), """{"anything":"goes"}""");

        Assert.That(builder.ResourceProviderSpecProblems, Has.One.Contains("brokenThings").And.Contains("DoesNotExist"));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), "generic resources accept any body and any well-formed api-version");
    }

    [Test]
    public async Task Api_versions_the_spec_does_not_declare_are_rejected_and_the_provider_lists_the_types()
    {
        await using var emulator = Create();
        using var client = emulator.CreateClient();
        string admin = emulator.CreateAdministratorToken();

        using var wrong = await SendAsync(client, HttpMethod.Get, $"{Widgets}/w1?api-version=2024-01-01", admin);
        using var provider = await SendAsync(client, HttpMethod.Get, $"/subscriptions/{Sub}/providers/Contoso.Widgets?api-version=2022-09-01", admin);

        var (code, message) = await ErrorAsync(wrong);
        var types = (await JsonAsync(provider)).GetProperty("resourceTypes").EnumerateArray()
            .ToDictionary(t => t.GetProperty("resourceType").GetString()!, t => t.GetProperty("apiVersions")[0].GetString());
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(code, Is.EqualTo("NoRegisteredProviderFound"));
        Assert.That(message, Is.EqualTo("No registered resource provider found for location 'westus' and API version '2024-01-01' for type 'widgets'. "
            + "The supported api-versions are '2025-01-01'. The supported locations are 'westus, eastus, westeurope'."));
        Assert.That(types, Does.ContainKey("widgets").And.ContainKey("widgets/gadgets"));
        Assert.That(types["widgets"], Is.EqualTo("2025-01-01"));
    }

    [Test]
    public void Standalone_spec_flag_that_names_no_file_or_folder_is_reported_clearly()
    {
        var ok = Program.BuildCommand().Parse(["--spec", WidgetsSpec, "--spec", Path.GetDirectoryName(WidgetsSpec)!]);
        var missing = Program.BuildCommand().Parse(["--spec", "/nonexistent/spec.json"]);

        Assert.That(ok.Errors, Is.Empty);
        Assert.That(missing.Errors.Select(e => e.Message), Has.Some.Contains("Spec not found: /nonexistent/spec.json"));
    }

    [Test]
    public void A_spec_path_that_does_not_exist_is_a_clear_error()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new EmulatorBuilder().AddResourceProviderSpecs("/nonexistent/spec.json"));

        Assert.That(e!.Message, Does.Contain("/nonexistent/spec.json"));
    }
}
