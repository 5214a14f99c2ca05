using GeneratedArm.TestServer.Hosting;
using Microsoft.AspNetCore.Http;

namespace GeneratedArm.TestServer.Arm;

/// <summary>
/// <c>GET /metadata/endpoints?api-version=…</c>: the cloud metadata document the Azure CLI (<c>az cloud register --endpoint-resource-manager</c>)
/// and SDKs read, pointing at the emulator itself (resource manager and login endpoints = the URL the request came to).
/// Anonymous, as in Azure. api-versions before 2019 get the legacy flat shape; later ones the <c>{"resourceManager",…,"authentication"}</c>
/// object (shape of the Java SDK's MetadataEndpoint, "based on the response of …?api-version=2019-10-01"); 2022-09-01 and later an
/// array of clouds holding that object (inferred, not from a captured response).
/// </summary>
internal static class CloudMetadata
{
    public static Task HandleAsync(HttpContext context, DateTimeOffset now)
    {
        ArmGateway.SetCommonHeaders(context, now);
        string apiVersion = context.Request.Query["api-version"].ToString();
        if (string.IsNullOrEmpty(apiVersion))
            return ArmErrors.WriteAsync(context, ArmErrors.ApiVersionMissing());
        if (!ApiVersions.WellFormed().IsMatch(apiVersion))
            return ArmErrors.WriteAsync(context, ArmErrors.ApiVersionInvalid(apiVersion, null));
        if (!HttpMethods.IsGet(context.Request.Method))
            return ArmErrors.WriteAsync(context, ArmErrors.MethodNotAllowed(context.Request.Method));

        string self = $"{context.Request.Scheme}://{context.Request.Host}/";
        string[] audiences = ["https://management.core.windows.net/", "https://management.azure.com/"];
        if (string.CompareOrdinal(apiVersion, "2019") < 0)
        {
            return JsonResponse.WriteAsync(context.Response, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("galleryEndpoint", self);
                w.WriteString("graphEndpoint", "https://graph.windows.net/");
                w.WriteString("portalEndpoint", "https://portal.azure.com/");
                w.WriteStartObject("authentication");
                w.WriteString("loginEndpoint", self);
                w.WriteStartArray("audiences");
                foreach (var a in audiences) w.WriteStringValue(a);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }
        bool array = string.CompareOrdinal(apiVersion, "2022-09-01") >= 0;
        return JsonResponse.WriteAsync(context.Response, 200, w =>
        {
            if (array) w.WriteStartArray();
            w.WriteStartObject();
            w.WriteString("portal", "https://portal.azure.com");
            w.WriteStartObject("authentication");
            w.WriteString("loginEndpoint", self);
            w.WriteStartArray("audiences");
            foreach (var a in audiences) w.WriteStringValue(a);
            w.WriteEndArray();
            w.WriteString("tenant", "common");
            w.WriteString("identityProvider", "AAD");
            w.WriteEndObject();
            w.WriteString("media", "https://rest.media.azure.net");
            w.WriteString("graphAudience", "https://graph.windows.net/");
            w.WriteString("graph", "https://graph.windows.net/");
            w.WriteString("name", "AzureEmulator");
            w.WriteStartObject("suffixes");
            w.WriteString("azureDataLakeStoreFileSystem", "azuredatalakestore.net");
            w.WriteString("acrLoginServer", "azurecr.io");
            w.WriteString("sqlServerHostname", "database.windows.net");
            w.WriteString("azureDataLakeAnalyticsCatalogAndJob", "azuredatalakeanalytics.net");
            w.WriteString("keyVaultDns", "vault.azure.net");
            w.WriteString("storage", "core.windows.net");
            w.WriteString("azureFrontDoorEndpointSuffix", "azurefd.net");
            w.WriteEndObject();
            w.WriteString("batch", "https://batch.core.windows.net/");
            w.WriteString("resourceManager", self);
            w.WriteString("vmImageAliasDoc", "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json");
            w.WriteString("activeDirectoryDataLake", "https://datalake.azure.net/");
            w.WriteString("sqlManagement", "https://management.core.windows.net:8443/");
            w.WriteString("gallery", "https://gallery.azure.com/");
            w.WriteString("microsoftGraphResourceId", "https://graph.microsoft.com/");
            w.WriteEndObject();
            if (array) w.WriteEndArray();
        });
    }
}
