using GeneratedArm.Identity;

namespace GeneratedArm.Tests.Infrastructure;

/// <summary>Hands out "token-1", "token-2", … ; <see cref="RefreshTokenAsync"/> moves to the next one.</summary>
public sealed class StaticCredential : TokenCredential
{
    private int _generation = 1;

    public int Refreshes { get; private set; }

    public List<string> Requested { get; } = [];

    public string Prefix { get; init; } = "token-";

    public string Current => Prefix + _generation;

    public override ValueTask<AccessToken> GetTokenAsync(string resourceOrScope, CancellationToken cancellationToken = default)
    {
        Requested.Add(resourceOrScope);
        return new(new AccessToken(Current, DateTimeOffset.MaxValue, DateTimeOffset.MaxValue, "Bearer", resourceOrScope));
    }

    public override ValueTask<AccessToken> RefreshTokenAsync(string resourceOrScope, AccessToken rejectedToken, CancellationToken cancellationToken = default)
    {
        Refreshes++;
        _generation++;
        return GetTokenAsync(resourceOrScope, cancellationToken);
    }
}
