using System.Net;
using System.Text;

namespace GeneratedArm.Benchmarks;

/// <summary>
/// Answers IMDS and ARM with fixed bytes and no server work, so a benchmark measures only the client:
/// whatever a client spends beyond this handler is its own overhead.
/// </summary>
internal sealed class CannedAzureHandler : HttpMessageHandler
{
    public const string ResourceGroupJson =
        """{"id":"/subscriptions/98f51385-2edc-4b79-bed9-7718de4cb861/resourceGroups/DevTest","name":"DevTest","type":"Microsoft.Resources/resourceGroups","location":"westus","tags":{"env":"dev","owner":"team"},"properties":{"provisioningState":"Succeeded"}}""";

    public static readonly byte[] ResourceGroupBytes = Encoding.UTF8.GetBytes(ResourceGroupJson);
    private readonly byte[] _tokenBytes;

    public CannedAzureHandler()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // A syntactically valid JWT is enough: the client never validates the token it sends.
        const string token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tLyJ9.c2lnbmF0dXJl";
        _tokenBytes = Encoding.UTF8.GetBytes(
            $$"""{"access_token":"{{token}}","client_id":"00000000-0000-0000-0000-000000000001","expires_in":"86399","expires_on":"{{now + 86399}}","ext_expires_in":"86399","not_before":"{{now}}","resource":"https://management.azure.com/","token_type":"Bearer"}""");
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.RequestUri!.AbsolutePath.StartsWith("/metadata/identity", StringComparison.Ordinal) ? _tokenBytes : ResourceGroupBytes;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("x-ms-request-id", "00000000-0000-0000-0000-000000000000");
        return Task.FromResult(response);
    }
}
