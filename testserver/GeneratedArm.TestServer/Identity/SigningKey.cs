using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace GeneratedArm.TestServer.Identity;

/// <summary>
/// The RSA key the emulator signs tokens with and publishes in its JWKS.
/// By default one key per process, generated on first use and shared by every in-process emulator
/// (RSA-2048 generation costs tens of milliseconds; an in-process emulator must start in a few).
/// Load a fixed key (<see cref="FromPem"/>) to keep the JWKS stable across restarts.
/// </summary>
public sealed class SigningKey
{
    private static readonly Lazy<SigningKey> s_processKey = new(() => new SigningKey(RSA.Create(2048)), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The process-wide key (immutable once created).</summary>
    public static SigningKey ProcessDefault => s_processKey.Value;

    /// <summary>Wraps an RSA key (2048 bits or more).</summary>
    public SigningKey(RSA rsa)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        Rsa = rsa;
        Parameters = rsa.ExportParameters(false);
        // kid: base64url of the SHA-256 of the public key (stable for a given key), like Entra's opaque key ids.
        KeyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..27];
        SecurityKey = new RsaSecurityKey(rsa) { KeyId = KeyId };
        Credentials = new SigningCredentials(SecurityKey, SecurityAlgorithms.RsaSha256);
    }

    /// <summary>Loads a PEM private key (PKCS#1 or PKCS#8).</summary>
    public static SigningKey FromPem(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new SigningKey(rsa);
    }

    /// <summary>Generates a fresh key (for tests that need a key the emulator does not trust).</summary>
    public static SigningKey Generate() => new(RSA.Create(2048));

    /// <summary>The private key as PKCS#8 PEM (to save it for the next run).</summary>
    public string ExportPrivateKeyPem() => Rsa.ExportPkcs8PrivateKeyPem();

    public RSA Rsa { get; }
    public RSAParameters Parameters { get; }
    public string KeyId { get; }
    public RsaSecurityKey SecurityKey { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>The key as a JWK (public part only), the way Entra's JWKS lists it.</summary>
    internal void WriteJwk(System.Text.Json.Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("kty", "RSA");
        w.WriteString("use", "sig");
        w.WriteString("kid", KeyId);
        w.WriteString("n", Base64UrlEncoder.Encode(Parameters.Modulus!));
        w.WriteString("e", Base64UrlEncoder.Encode(Parameters.Exponent!));
        w.WriteString("alg", "RS256");
        w.WriteEndObject();
    }
}
