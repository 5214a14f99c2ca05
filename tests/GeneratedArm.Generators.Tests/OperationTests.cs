using System.Net;
using System.Reflection;
using System.Text;
using GeneratedArm.Generators.Tests.Infrastructure;
using GeneratedArm.Identity;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GeneratedArm.Generators.Tests;

/// <summary>
/// Typed operations: one client per spec title, one <c>{Group}Operations</c> class per operation group, virtual
/// instance methods returning ArmResponse/ArmPageable/ArmOperation. Snapshot of a small two-file client, the real
/// resources spec called over a scripted transport, diagnostics for what is not supported, and nothing at all
/// without the runtime.
/// </summary>
public sealed class OperationTests
{
    /// <summary>Shared parameters, as common-types declares them, referenced from <see cref="WidgetsSpec"/> across files.</summary>
    internal const string CommonSpec = """
        {
          "swagger": "2.0",
          "info": { "title": "Common", "version": "1.0" },
          "paths": {},
          "parameters": {
            "SubscriptionIdParameter": { "name": "subscriptionId", "in": "path", "required": true, "type": "string", "description": "The ID of the target subscription." },
            "ApiVersionParameter": { "name": "api-version", "in": "query", "required": true, "type": "string", "description": "The API version to use for this operation." }
          }
        }
        """;

    internal const string WidgetsSpec = """
        {
          "swagger": "2.0",
          "info": { "title": "WidgetClient", "version": "2024-05-01" },
          "consumes": ["application/json"],
          "produces": ["application/json"],
          "paths": {
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Widgets/widgets/{widgetName}": {
              "parameters": [
                { "$ref": "common.json#/parameters/SubscriptionIdParameter" },
                { "name": "resourceGroupName", "in": "path", "required": true, "type": "string", "description": "The resource group." },
                { "name": "widgetName", "in": "path", "required": true, "type": "string", "description": "The widget's name." }
              ],
              "get": {
                "operationId": "Widgets_Get",
                "summary": "Gets a widget.",
                "description": "Returns the widget with all its parts.",
                "parameters": [
                  { "$ref": "common.json#/parameters/ApiVersionParameter" },
                  { "name": "$expand", "in": "query", "type": "string", "description": "Related entities to include." }
                ],
                "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/Widget" } } }
              },
              "put": {
                "operationId": "Widgets_CreateOrUpdate",
                "description": "Creates or replaces a widget.",
                "parameters": [
                  { "$ref": "common.json#/parameters/ApiVersionParameter" },
                  { "name": "widget", "in": "body", "required": true, "schema": { "$ref": "#/definitions/Widget" }, "description": "The widget to store." }
                ],
                "responses": {
                  "200": { "description": "Replaced", "schema": { "$ref": "#/definitions/Widget" } },
                  "201": { "description": "Created", "schema": { "$ref": "#/definitions/Widget" } }
                }
              },
              "delete": {
                "operationId": "Widgets_Delete",
                "description": "Deletes a widget.",
                "x-ms-long-running-operation": true,
                "parameters": [ { "$ref": "common.json#/parameters/ApiVersionParameter" } ],
                "responses": { "200": { "description": "Deleted" }, "202": { "description": "Accepted" }, "204": { "description": "Not found" } }
              },
              "head": {
                "operationId": "Widgets_CheckExistence",
                "description": "Whether the widget exists.",
                "parameters": [ { "$ref": "common.json#/parameters/ApiVersionParameter" } ],
                "responses": { "204": { "description": "Exists" }, "404": { "description": "Does not exist" } }
              }
            },
            "/{widgetId}": {
              "get": {
                "operationId": "Widgets_GetById",
                "description": "Gets a widget by its resource ID.",
                "parameters": [
                  { "name": "widgetId", "in": "path", "required": true, "type": "string", "x-ms-skip-url-encoding": true, "description": "The widget's resource ID, e.g. /subscriptions/{id}/resourceGroups/{name}/providers/Contoso.Widgets/widgets/{name}." },
                  { "name": "api-version", "in": "query", "required": true, "type": "string", "description": "The API version of the widget's resource type." }
                ],
                "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/Widget" } } }
              }
            },
            "/subscriptions/{subscriptionId}/widgets": {
              "get": {
                "operationId": "Widgets_List",
                "description": "Lists the widgets of a subscription.",
                "x-ms-pageable": { "nextLinkName": "nextLink" },
                "parameters": [
                  { "$ref": "common.json#/parameters/SubscriptionIdParameter" },
                  { "$ref": "common.json#/parameters/ApiVersionParameter" },
                  { "name": "$top", "in": "query", "type": "integer", "format": "int32", "description": "At most this many." },
                  { "name": "kind", "in": "query", "type": "string", "enum": ["Round", "Square"], "x-ms-enum": { "name": "WidgetKind", "modelAsString": true }, "description": "Only widgets of this kind." }
                ],
                "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/WidgetList" } } }
              }
            },
            "/subscriptions/{subscriptionId}/legacyWidgets": {
              "get": {
                "operationId": "Widgets_ListLegacy",
                "description": "Lists widgets the old way: this operation is pinned to an older api-version.",
                "x-ms-pageable": { "nextLinkName": "nextLink" },
                "parameters": [
                  { "$ref": "common.json#/parameters/SubscriptionIdParameter" },
                  { "name": "api-version", "in": "query", "required": true, "type": "string", "enum": ["2015-11-01"] }
                ],
                "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/WidgetList" } } }
              }
            }
          },
          "definitions": {
            "Widget": {
              "description": "A widget.",
              "properties": {
                "id": { "type": "string", "readOnly": true },
                "name": { "type": "string" },
                "color": { "type": "string" }
              }
            },
            "WidgetList": {
              "properties": {
                "value": { "type": "array", "items": { "$ref": "#/definitions/Widget" } },
                "nextLink": { "type": "string" }
              }
            }
          }
        }
        """;

    /// <summary>A second file of the same title (so the same client), with long-running operations of every final-state-via.</summary>
    internal const string GadgetsSpec = """
        {
          "swagger": "2.0",
          "info": { "title": "WidgetClient", "version": "2024-05-01" },
          "paths": {
            "/subscriptions/{subscriptionId}/gadgets/{gadgetName}": {
              "parameters": [
                { "$ref": "common.json#/parameters/SubscriptionIdParameter" },
                { "name": "gadgetName", "in": "path", "required": true, "type": "string" },
                { "$ref": "common.json#/parameters/ApiVersionParameter" }
              ],
              "put": {
                "operationId": "Gadgets_Create",
                "x-ms-long-running-operation": true,
                "x-ms-long-running-operation-options": { "final-state-via": "original-uri" },
                "parameters": [ { "name": "gadget", "in": "body", "required": true, "schema": { "$ref": "#/definitions/Gadget" } } ],
                "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/Gadget" } }, "201": { "description": "Created", "schema": { "$ref": "#/definitions/Gadget" } } }
              },
              "post": {
                "operationId": "Gadgets_Restart",
                "x-ms-long-running-operation": true,
                "x-ms-long-running-operation-options": { "final-state-via": "azure-async-operation" },
                "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/Gadget" } }, "202": { "description": "Accepted" } }
              },
              "patch": {
                "operationId": "Gadgets_Update",
                "x-ms-long-running-operation": true,
                "x-ms-long-running-operation-options": { "final-state-via": "operation-location" },
                "parameters": [ { "name": "gadget", "in": "body", "required": true, "schema": { "$ref": "#/definitions/Gadget" } } ],
                "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/Gadget" } }, "202": { "description": "Accepted" } }
              },
              "delete": {
                "operationId": "Gadgets_Delete",
                "x-ms-long-running-operation": true,
                "x-ms-long-running-operation-options": { "final-state-via": "location" },
                "responses": { "200": { "description": "OK" }, "202": { "description": "Accepted" }, "204": { "description": "No content" } }
              }
            }
          },
          "definitions": {
            "Gadget": { "properties": { "name": { "type": "string" }, "state": { "type": "string" } } }
          }
        }
        """;

    private static SchemaFile[] WidgetFiles() => new[]
    {
        new SchemaFile("/specs/widgets.json", WidgetsSpec, "Widgets"),
        new SchemaFile("/specs/common.json", CommonSpec, "Widgets.Common"),
    };

    private static SchemaFile[] WidgetAndGadgetFiles() => new[]
    {
        new SchemaFile("/specs/widgets.json", WidgetsSpec, "Widgets"),
        new SchemaFile("/specs/gadgets.json", GadgetsSpec, "Widgets"),
        new SchemaFile("/specs/common.json", CommonSpec, "Widgets.Common"),
    };

    private static string SnapshotDirectory => ApprovedFiles.Directory("operations-openapi");

    [Test]
    public void Snapshot_of_a_client_merged_from_two_files_of_one_title_with_its_groups_is_unchanged()
    {
        GeneratorRun run = GeneratorHarness.Run(WidgetAndGadgetFiles());
        Assert.That(run.GeneratorDiagnostics, Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));

        // Only the client and its groups: the model files belong to the model snapshots.
        var operations = run.Sources.Where(s => s.Key.EndsWith("Operations.g.cs", StringComparison.Ordinal) || s.Key.EndsWith("Client.g.cs", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Assert.That(operations.Select(s => s.Key), Is.EqualTo(new[] { "Widgets.GadgetsOperations.g.cs", "Widgets.WidgetClient.g.cs", "Widgets.WidgetsOperations.g.cs" }));

        ApprovedFiles.Verify(SnapshotDirectory, operations);
    }

    [Test]
    public void Without_the_runtime_no_operations_are_generated_and_nothing_is_reported()
    {
        GeneratorRun run = GeneratorHarness.Run(WidgetFiles(), withRuntime: false);

        Assert.That(run.Sources.Keys.Where(k => k.EndsWith("Operations.g.cs", StringComparison.Ordinal) || k.EndsWith("Client.g.cs", StringComparison.Ordinal)), Is.Empty);
        Assert.That(run.Sources.Keys, Does.Contain("Widgets.Widget.g.cs"));
        Assert.That(run.GeneratorDiagnostics, Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public async Task Generated_operations_send_the_request_the_spec_describes_and_return_typed_responses()
    {
        Assembly assembly = GeneratorHarness.Run(WidgetFiles()).LoadAssembly();
        Type widgetType = assembly.GetType("Widgets.Widget", throwOnError: true)!;
        var handler = new ScriptedHandler(request => (request.Method.Method, request.RequestUri!.PathAndQuery) switch
        {
            ("PUT", _) => Json(HttpStatusCode.Created, """{"id":"/subscriptions/s/widgets/w 1","name":"w 1","color":"red"}""", ("x-ms-request-id", "put-1")),
            ("GET", "/subscriptions/s/widgets?$top=1&kind=Square&api-version=2024-05-01") => Json(HttpStatusCode.OK, """{"value":[{"name":"a"}],"nextLink":"https://management.azure.com/subscriptions/s/widgets?page=2&api-version=2024-05-01"}"""),
            ("GET", "/subscriptions/s/widgets?page=2&api-version=2024-05-01") => Json(HttpStatusCode.OK, """{"value":[{"name":"b"}]}"""),
            ("GET", "/subscriptions/s/legacyWidgets?api-version=2015-11-01") => Json(HttpStatusCode.OK, """{"value":[{"name":"old"}]}"""),
            ("GET", "/subscriptions/s/resourceGroups/rg/providers/Contoso.Widgets/widgets/w?api-version=2021-01-01") => Json(HttpStatusCode.OK, """{"name":"w"}"""),
            ("HEAD", _) => new HttpResponseMessage(HttpStatusCode.NotFound),
            ("DELETE", _) => new HttpResponseMessage(HttpStatusCode.NoContent),
            _ => new HttpResponseMessage(HttpStatusCode.BadRequest),
        });
        using var arm = new ArmClient(new StaticTokenCredential(), new ArmClientOptions { Transport = handler });
        object widgets = Group(NewClient(assembly, arm, "s"), "Widgets");

        // PUT: client and path parameters escaped, the body written without read-only properties, 201 read as the model.
        object widget = Activator.CreateInstance(widgetType)!;
        widgetType.GetProperty("Name")!.SetValue(widget, "w 1");
        widgetType.GetProperty("Id")!.SetValue(widget, "ignored");
        object created = await Call(widgets, "CreateOrUpdateAsync", "rg", "w 1", widget, CancellationToken.None);
        Recorded put = handler.Requests[^1];
        Assert.That(put.Method, Is.EqualTo("PUT"));
        Assert.That(put.PathAndQuery, Is.EqualTo("/subscriptions/s/resourceGroups/rg/providers/Contoso.Widgets/widgets/w%201?api-version=2024-05-01"));
        Assert.That(put.Body, Is.EqualTo("""{"name":"w 1"}"""));
        Assert.That(Property(Property(created, "Value"), "Color"), Is.EqualTo("red"));
        Assert.That(Property(created, "Status"), Is.EqualTo(201));
        Assert.That(Property(created, "RequestId"), Is.EqualTo("put-1"));

        // Pageable: the value array's items, following nextLink; an x-ms-enum query parameter takes the enum type.
        Type kind = assembly.GetType("Widgets.WidgetKind", throwOnError: true)!;
        object square = kind.GetProperty("Square")!.GetValue(null)!;
        var names = new List<string?>();
        await foreach (object item in (IAsyncEnumerable<object>)widgets.GetType().GetMethod("ListAsync")!.Invoke(widgets, new object?[] { 1, square, CancellationToken.None })!)
        {
            names.Add((string?)Property(item, "Name"));
        }

        Assert.That(names, Is.EqualTo(new[] { "a", "b" }));

        // An operation pinned to its own api-version sends that one, not info.version.
        await foreach (object item in (IAsyncEnumerable<object>)widgets.GetType().GetMethod("ListLegacyAsync")!.Invoke(widgets, new object?[] { CancellationToken.None })!)
        {
            Assert.That(Property(item, "Name"), Is.EqualTo("old"));
        }

        Assert.That(handler.Requests[^1].PathAndQuery, Is.EqualTo("/subscriptions/s/legacyWidgets?api-version=2015-11-01"));

        // An open api-version of its own is the caller's; x-ms-skip-url-encoding: a resource ID goes in as it is.
        await Call(widgets, "GetByIdAsync", "/subscriptions/s/resourceGroups/rg/providers/Contoso.Widgets/widgets/w", "2021-01-01", CancellationToken.None);
        Assert.That(handler.Requests[^1].PathAndQuery, Is.EqualTo("/subscriptions/s/resourceGroups/rg/providers/Contoso.Widgets/widgets/w?api-version=2021-01-01"));

        // HEAD → ArmResponse<bool>; DELETE (long-running, already final) → a completed ArmOperation.
        object exists = await Call(widgets, "CheckExistenceAsync", "rg", "w", CancellationToken.None);
        Assert.That(Property(exists, "Value"), Is.False);
        Assert.That(Property(exists, "Status"), Is.EqualTo(404));
        ArmOperation deleted = (ArmOperation)await Call(widgets, "DeleteAsync", WaitUntil.Completed, "rg", "w", CancellationToken.None);
        Assert.That(deleted.HasCompleted, Is.True);
        Assert.That(deleted.GetRawResponse().Status, Is.EqualTo(204));
        Assert.That(handler.Requests[^1].Method, Is.EqualTo("DELETE"));
    }

    [Test]
    public async Task A_long_running_PUT_polls_until_it_succeeds_and_returns_the_final_resource_typed()
    {
        string spec = WidgetsSpec.Replace("\"operationId\": \"Widgets_CreateOrUpdate\",", "\"operationId\": \"Widgets_CreateOrUpdate\", \"x-ms-long-running-operation\": true,", StringComparison.Ordinal);
        Assembly assembly = GeneratorHarness.Run(new[] { new SchemaFile("/specs/widgets.json", spec, "Widgets"), new SchemaFile("/specs/common.json", CommonSpec, "Widgets.Common") }).LoadAssembly();
        Type widgetType = assembly.GetType("Widgets.Widget", throwOnError: true)!;
        const string Resource = "/subscriptions/s/resourceGroups/rg/providers/Contoso.Widgets/widgets/w?api-version=2024-05-01";
        int polls = 0;
        var handler = new ScriptedHandler(request => (request.Method.Method, request.RequestUri!.PathAndQuery) switch
        {
            ("PUT", Resource) => Accepted("""{"name":"w","color":"creating"}"""),
            ("GET", "/operations/1?api-version=2024-05-01") => Json(HttpStatusCode.OK, ++polls < 2 ? """{"status":"InProgress"}""" : """{"status":"Succeeded"}"""),
            ("GET", Resource) => Json(HttpStatusCode.OK, """{"name":"w","color":"blue"}"""),
            _ => new HttpResponseMessage(HttpStatusCode.BadRequest),
        });
        using var arm = new ArmClient(new StaticTokenCredential(), new ArmClientOptions { Transport = handler, TimeProvider = new ImmediateTimeProvider(), Retry = new RetryOptions { NetworkTimeout = Timeout.InfiniteTimeSpan } });
        object widgets = Group(NewClient(assembly, arm, "s"), "Widgets");

        // Started: one request, not completed, and an Id that a new operation continues from.
        object started = await Call(widgets, "CreateOrUpdateAsync", WaitUntil.Started, "rg", "w", Activator.CreateInstance(widgetType)!, CancellationToken.None);
        var operation = (ArmOperation)started;
        Assert.That(operation.HasCompleted, Is.False);
        Assert.That(handler.Requests, Has.Count.EqualTo(1));

        MethodInfo rehydrate = typeof(ArmOperation).GetMethods().Single(m => m.Name == "Rehydrate" && m.IsGenericMethod).MakeGenericMethod(widgetType);
        object resumed = rehydrate.Invoke(null, new object[] { arm, operation.Id })!;
        var final = (Task)resumed.GetType().GetMethod("WaitForCompletionAsync", Type.EmptyTypes.Append(typeof(CancellationToken)).ToArray())!.Invoke(resumed, new object[] { CancellationToken.None })!;
        await final;
        object result = Property(final, "Result")!;

        Assert.That(handler.Requests.Select(r => r.Method + " " + r.PathAndQuery), Is.EqualTo(new[] { "PUT " + Resource, "GET /operations/1?api-version=2024-05-01", "GET /operations/1?api-version=2024-05-01", "GET " + Resource }));
        Assert.That(Property(Property(result, "Value"), "Color"), Is.EqualTo("blue"));
        Assert.That(Property(resumed, "HasCompleted"), Is.True);

        static HttpResponseMessage Accepted(string json)
        {
            HttpResponseMessage response = Json(HttpStatusCode.Created, json);
            response.Headers.Add("Azure-AsyncOperation", "https://management.azure.com/operations/1");
            response.Headers.Add("Retry-After", "0");
            return response;
        }
    }

    [Test]
    public void Each_final_state_via_reaches_the_runtime_and_HEAD_returns_ArmResponse_of_bool()
    {
        GeneratorRun run = GeneratorHarness.Run(WidgetAndGadgetFiles());
        string gadgets = run.Sources["Widgets.GadgetsOperations.g.cs"];
        string widgets = run.Sources["Widgets.WidgetsOperations.g.cs"];

        Assert.Multiple(() =>
        {
            Assert.That(gadgets, Does.Contain("Task<global::GeneratedArm.ArmOperation<global::Widgets.Gadget>> CreateAsync(global::GeneratedArm.WaitUntil waitUntil, string gadgetName, global::Widgets.Gadget gadget,"));
            Assert.That(gadgets, Does.Contain("ArmFinalStateVia.OriginalUri").And.Contain("ArmFinalStateVia.AzureAsyncOperation").And.Contain("ArmFinalStateVia.OperationLocation").And.Contain("ArmFinalStateVia.Location"));
            Assert.That(gadgets, Does.Contain("Task<global::GeneratedArm.ArmOperation> DeleteAsync(global::GeneratedArm.WaitUntil waitUntil, string gadgetName,"));
            Assert.That(widgets, Does.Contain("Task<global::GeneratedArm.ArmResponse<bool>> CheckExistenceAsync(string resourceGroupName, string widgetName,"));
            Assert.That(widgets, Does.Contain("global::GeneratedArm.ArmPageable<global::Widgets.Widget> ListAsync(int? top = null, global::Widgets.WidgetKind? kind = null,"));
            Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
        });
    }

    [Test]
    public async Task ResourceManagementClient_of_the_real_resources_spec_gets_the_typed_resource_group()
    {
        string? specs = GeneratorHarness.SpecsRoot;
        string root = specs is null ? string.Empty : Path.Combine(specs, "azure-rest-api-specs", "specification");
        string resources = Path.Combine(root, "resources", "resource-manager", "Microsoft.Resources", "stable", "2021-04-01", "resources.json");
        string common = Path.Combine(root, "common-types", "resource-management", "v1", "types.json");
        if (!File.Exists(resources) || !File.Exists(common))
        {
            Assert.Ignore("The spec corpus is absent (../shared/specs).");
        }

        GeneratorRun run = GeneratorHarness.Run(new[]
        {
            new SchemaFile(resources, File.ReadAllText(resources), "Arm.Resources"),
            new SchemaFile(common, File.ReadAllText(common), "Arm.Common"),
        });
        Assert.That(run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning), Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));

        Assembly assembly = run.LoadAssembly();
        Type clientType = assembly.GetType("Arm.Resources.ResourceManagementClient", throwOnError: true)!;
        var handler = new ScriptedHandler(_ => Json(HttpStatusCode.OK, """{"id":"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest","name":"DevTest","type":"Microsoft.Resources/resourceGroups","location":"westus","properties":{"provisioningState":"Succeeded"}}"""));
        using var arm = new ArmClient(new StaticTokenCredential(), new ArmClientOptions { Transport = handler });

        // subscriptionId is a client parameter (a global parameter without x-ms-parameter-location: method).
        Assert.That(clientType.GetConstructors().Single().GetParameters().Select(p => p.Name), Is.EqualTo(new[] { "arm", "subscriptionId" }));
        object groups = Group(NewClient(assembly, arm, "98f51385-2edc-4b79-bed9-7718de4cb861", "Arm.Resources.ResourceManagementClient"), "ResourceGroups");
        MethodInfo get = groups.GetType().GetMethod("GetAsync")!;
        Assert.That(get.GetParameters().Select(p => p.Name), Is.EqualTo(new[] { "resourceGroupName", "cancellationToken" }));
        Assert.That(get.IsVirtual, Is.True);
        object group = Property(await Call(groups, "GetAsync", "DevTest", CancellationToken.None), "Value")!;

        Recorded request = handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("GET"));
            Assert.That(request.PathAndQuery, Is.EqualTo("/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourcegroups/DevTest?api-version=2021-04-01"));
            Assert.That(request.Authorization, Is.EqualTo("Bearer static-token"));
            Assert.That(group.GetType().FullName, Is.EqualTo("Arm.Resources.ResourceGroup"));
            Assert.That(Property(group, "Name"), Is.EqualTo("DevTest"));
            Assert.That(Property(group, "Location"), Is.EqualTo("westus"));
            Assert.That(Property(Property(group, "Properties"), "ProvisioningState"), Is.EqualTo("Succeeded"));
        });

        // DeleteAsync keeps its name (no ArmClient method to dodge); the generic *ById operations take the resource type's api-version.
        Assert.That(groups.GetType().GetMethod("DeleteAsync")!.GetParameters().Select(p => p.Name), Is.EqualTo(new[] { "waitUntil", "resourceGroupName", "forceDeletionTypes", "cancellationToken" }));
        object resourcesGroup = Property(NewClient(assembly, arm, "s", "Arm.Resources.ResourceManagementClient"), "Resources")!;
        Assert.That(resourcesGroup.GetType().GetMethod("GetByIdAsync")!.GetParameters().Select(p => p.Name), Is.EqualTo(new[] { "resourceId", "apiVersion", "cancellationToken" }));
    }

    [Test]
    public void An_operation_with_an_unsupported_shape_is_skipped_with_GARM008_and_the_others_are_generated()
    {
        string spec = WidgetsSpec.Replace(
            "\"paths\": {",
            """
            "paths": {
                "/upload": {
                  "post": {
                    "operationId": "Widgets_Upload",
                    "consumes": ["multipart/form-data"],
                    "parameters": [ { "name": "file", "in": "formData", "type": "file" } ],
                    "responses": { "200": { "description": "OK" } }
                  }
                },
            """,
            StringComparison.Ordinal);
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/specs/widgets.json", spec, "Widgets"), new SchemaFile("/specs/common.json", CommonSpec, "Widgets.Common") });

        Diagnostic diagnostic = run.GeneratorDiagnostics.Single();
        Assert.Multiple(() =>
        {
            Assert.That(diagnostic.Id, Is.EqualTo("GARM008"));
            Assert.That(diagnostic.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Warning));
            Assert.That(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("Widgets_Upload").And.Contain("form-data"));
            Assert.That(diagnostic.Location.GetLineSpan().Path, Is.EqualTo("/specs/widgets.json"));
            Assert.That(run.Sources["Widgets.WidgetsOperations.g.cs"], Does.Contain("CreateOrUpdateAsync").And.Not.Contain("UploadAsync"));
            Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
        });
    }

    [Test]
    public void Operations_that_want_the_same_method_name_are_renamed_in_order_with_GARM004()
    {
        string spec = WidgetsSpec.Replace("\"operationId\": \"Widgets_CheckExistence\",", "\"operationId\": \"Widgets_CheckExistence\", \"x-ms-client-name\": \"Get\",", StringComparison.Ordinal);
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/specs/widgets.json", spec, "Widgets"), new SchemaFile("/specs/common.json", CommonSpec, "Widgets.Common") });

        Diagnostic diagnostic = run.GeneratorDiagnostics.Single();
        Assert.That(diagnostic.Id, Is.EqualTo("GARM004"));
        Assert.That(diagnostic.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Info));
        string source = run.Sources["Widgets.WidgetsOperations.g.cs"];

        // Ordinal order of (name, operationId): Widgets_CheckExistence keeps GetAsync, Widgets_Get becomes Get2Async.
        Assert.That(source, Does.Contain("ArmResponse<bool>> GetAsync(").And.Contain("ArmResponse<global::Widgets.Widget>> Get2Async("));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Two_titles_with_the_same_group_in_one_namespace_get_distinct_classes_in_order_with_GARM004()
    {
        GeneratorRun run = GeneratorHarness.Run(new[]
        {
            new SchemaFile("/specs/b.json", WidgetsSpec, "Same"),
            new SchemaFile("/specs/a.json", WidgetsSpec.Replace("2024-05-01", "2023-01-01", StringComparison.Ordinal).Replace("WidgetClient", "OldWidgetClient", StringComparison.Ordinal), "Same"),
            new SchemaFile("/specs/common.json", CommonSpec, "Same.Common"),
        });

        IReadOnlyDictionary<string, string> sources = run.Sources;
        Assert.That(sources["Same.OldWidgetClient.g.cs"], Does.Contain("public virtual WidgetsOperations Widgets { get; }"));
        Assert.That(sources["Same.WidgetClient.g.cs"], Does.Contain("public virtual WidgetsOperations2 Widgets { get; }"));
        Assert.That(sources["Same.WidgetsOperations.g.cs"], Does.Contain("\"2023-01-01\""));
        Assert.That(sources["Same.WidgetsOperations2.g.cs"], Does.Contain("\"2024-05-01\""));
        Assert.That(run.GeneratorDiagnostics.Where(d => d.Id == "GARM004" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("WidgetsOperations2", StringComparison.Ordinal)), Has.Exactly(1).Items);
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void A_client_or_group_class_named_like_a_model_gets_a_numbered_name_with_GARM004()
    {
        string spec = WidgetsSpec
            .Replace("\"title\": \"WidgetClient\"", "\"title\": \"Widget\"", StringComparison.Ordinal)
            .Replace("\"WidgetList\": {", "\"WidgetsOperations\": { \"properties\": { \"x\": { \"type\": \"string\" } } },\n            \"WidgetList\": {", StringComparison.Ordinal);
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/specs/widgets.json", spec, "Widgets"), new SchemaFile("/specs/common.json", CommonSpec, "Widgets.Common") });

        Assert.That(run.Sources.Keys, Does.Contain("Widgets.Widget2.g.cs").And.Contain("Widgets.WidgetsOperations2.g.cs").And.Contain("Widgets.WidgetsOperations.g.cs"));
        Assert.That(run.Sources["Widgets.Widget2.g.cs"], Does.Contain("public virtual WidgetsOperations2 Widgets { get; }"));
        Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { "GARM004", "GARM004" }), GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void A_group_named_like_its_client_gets_a_numbered_property_with_GARM004()
    {
        string spec = WidgetsSpec.Replace("\"operationId\": \"Widgets_Get\",", "\"operationId\": \"WidgetClient_Get\",", StringComparison.Ordinal);
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/specs/widgets.json", spec, "Widgets"), new SchemaFile("/specs/common.json", CommonSpec, "Widgets.Common") });

        Assert.That(run.Sources["Widgets.WidgetClient.g.cs"], Does.Contain("public virtual WidgetClientOperations WidgetClient2 { get; }"));
        Assert.That(run.GeneratorDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { "GARM004" }));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems));
    }

    [Test]
    public void Odd_operation_shapes_never_crash_the_generator_and_what_is_generated_compiles()
    {
        const string Odd = """
            {
              "swagger": "2.0",
              "info": { "title": "odd \"client\" </summary>", "version": "2020-01-01\\x" },
              "parameters": { "Broken": 42, "Class": { "name": "class", "in": "query", "required": true, "type": "string" } },
              "paths": {
                "/a/{client}/{class}/{résumé}": {
                  "parameters": "not an array",
                  "get": {
                    "operationId": "Class_Get",
                    "summary": "Line one\nline two with */ and <tags> & \u2028 separators",
                    "parameters": [
                      { "name": "client", "in": "path", "type": "string" },
                      { "name": "class", "in": "path", "type": "string" },
                      { "name": "résumé", "in": "path", "type": "string" },
                      { "name": "cancellationToken", "in": "query", "type": "boolean" },
                      { "name": "$filter", "in": "query", "type": "string" },
                      { "name": "filter", "in": "query", "type": "number" },
                      { "$ref": "#/parameters/Class" },
                      17
                    ],
                    "responses": { "200": { "description": "OK", "schema": { "type": "array", "items": { "type": "string" } } } }
                  },
                  "post": { "operationId": "Class_", "parameters": [ { "name": "body", "in": "body", "schema": { "type": "object" } }, { "$ref": "#/parameters/Broken" } ], "responses": {} },
                  "put": { "operationId": "_Put", "responses": { "200": { "description": "OK", "schema": { "$ref": "#/definitions/Missing" } } } },
                  "patch": { "responses": {} },
                  "delete": { "operationId": "Class_Delete", "parameters": [ { "name": "h", "in": "header", "required": true, "type": "string" } ] },
                  "head": { "operationId": "Class_Get", "x-ms-client-name": "ClassOperations" },
                  "options": { "operationId": "Class_Options" }
                },
                "/b/{unclosed": { "get": { "operationId": "Class_Unclosed" } },
                "/c/{nobody}": { "get": { "operationId": "Class_NoBody", "x-ms-pageable": { "nextLinkName": null } } },
                "/d": { "get": { "operationId": "Class_Array", "parameters": [ { "name": "ids", "in": "query", "type": "array", "items": { "type": "string" } } ] } },
                "/e": 5
              },
              "definitions": {}
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(new[] { new SchemaFile("/specs/odd.json", Odd, "Odd") });

        Assert.That(run.GeneratorDiagnostics.Where(d => d.Id == "GARM007"), Is.Empty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        string[] skipped = run.GeneratorDiagnostics.Where(d => d.Id == "GARM008").Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.That(skipped, Has.Some.Contain("Class_Delete").And.Some.Contain("Class_Unclosed").And.Some.Contain("Class_NoBody").And.Some.Contain("Class_Array").And.Some.Contain("without operationId").And.Some.Contain("#/parameters/Broken"), string.Join("\n", skipped));
        Assert.That(run.Sources.Keys, Does.Contain("Odd.ClassOperations.g.cs"), GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.That(run.CompileProblems, Is.Empty, GeneratorRun.Describe(run.CompileProblems) + "\n" + string.Join("\n", run.Sources.Where(k => k.Key.Contains("Operations", StringComparison.Ordinal)).Select(k => k.Value)));
    }

    [Test]
    public void Editing_a_model_description_re_emits_no_operations_and_editing_an_operation_re_emits_only_its_group_and_no_model()
    {
        SchemaFile[] files = WidgetFiles();
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(true, "namespace Consumer { internal static class A { } }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(files, out AdditionalText[] texts).RunGenerators(compilation);

        var modelEdit = new InMemoryAdditionalText(files[0].Path, WidgetsSpec.Replace("\"A widget.\"", "\"A gadget.\"", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(texts[0], modelEdit);
        driver = driver.RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.That(Reasons(result, StepNames.ParsedOperations), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        Assert.That(Reasons(result, StepNames.OperationGroups), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));

        driver = driver.ReplaceAdditionalText(modelEdit, new InMemoryAdditionalText(files[0].Path, modelEdit.GetText()!.ToString().Replace("Deletes a widget.", "Deletes a widget for good.", StringComparison.Ordinal)));
        driver = driver.RunGenerators(compilation);
        result = driver.GetRunResult().Results.Single();
        Assert.That(Reasons(result, StepNames.OperationGroups), Is.EqualTo(new[] { IncrementalStepRunReason.Modified }));
        Assert.That(Reasons(result, StepNames.Clients), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));

        // One parse served both: the file was parsed once, and no model file is emitted again.
        Assert.That(result.TrackedSteps[StepNames.ParsedFiles].SelectMany(s => s.Outputs).Count(o => o.Reason == IncrementalStepRunReason.Modified), Is.EqualTo(1));
        Assert.That(Reasons(result, StepNames.Types), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    /// <summary>The client, created as a consumer does: <c>new WidgetClient(arm, subscriptionId)</c>.</summary>
    private static object NewClient(Assembly assembly, ArmClient arm, string subscriptionId, string type = "Widgets.WidgetClient")
        => Activator.CreateInstance(assembly.GetType(type, throwOnError: true)!, arm, subscriptionId)!;

    private static object Group(object client, string property) => Property(client, property)!;

    private static object? Property(object? target, string name) => target!.GetType().GetProperty(name)!.GetValue(target);

    /// <summary>Calls an instance method returning a Task and returns its result.</summary>
    private static async Task<object> Call(object target, string name, params object?[] arguments)
    {
        var task = (Task)target.GetType().GetMethod(name)!.Invoke(target, arguments)!;
        await task.ConfigureAwait(false);
        return task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach ((string name, string value) in headers)
        {
            response.Headers.Add(name, value);
        }

        return response;
    }

    private sealed record Recorded(string Method, string PathAndQuery, string? Authorization, string? Body);

    /// <summary>Answers each request with a scripted response and records it.</summary>
    private sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<Recorded> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            Requests.Add(new Recorded(request.Method.Method, request.RequestUri!.PathAndQuery, request.Headers.Authorization?.ToString(), body));
            return respond(request);
        }
    }

    /// <summary>Timers fire at once: polling waits (at least 1 s on the system clock) take no time (so no per-attempt network timeout either).</summary>
    private sealed class ImmediateTimeProvider : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => base.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.Zero, period);
    }

    /// <summary>A credential that always returns the same token.</summary>
    private sealed class StaticTokenCredential : TokenCredential
    {
        public override ValueTask<AccessToken> GetTokenAsync(string resourceOrScope, CancellationToken cancellationToken = default)
            => new(new AccessToken("static-token", DateTimeOffset.MaxValue, DateTimeOffset.MaxValue, "Bearer", resourceOrScope));
    }
}
