using System.Globalization;
using System.Text.Json;

namespace GeneratedArm.Identity;

/// <summary>
/// Reads IMDS's token and error bodies as IMDS sends them: every field a JSON string
/// (<c>"expires_in":"86399"</c>), numbers tolerated. Never puts a token into an error message.
/// </summary>
internal static class ImdsTokenParser
{
    /// <summary>Values below this (2001-01-01 in Unix seconds) are relative seconds, as MSAL reads them.</summary>
    private const long AbsoluteTimeThreshold = 978307200;

    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);
    private static readonly TimeSpan ShortTokenRefreshOffset = TimeSpan.FromMinutes(5);

    /// <summary>Parses a 200 body into a token; throws <see cref="ManagedIdentityException"/> naming the bad field.</summary>
    public static AccessToken ParseToken(ReadOnlySpan<byte> body, DateTimeOffset now, string requestedResource)
    {
        string? accessToken = null, tokenType = null, resource = null;
        DateTimeOffset? expiresOn = null, expiresIn = null;
        TimeSpan? refreshIn = null;

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid("the body is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("access_token"u8))
                {
                    reader.Read();
                    accessToken = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw Invalid("'access_token' is not a string");
                }
                else if (reader.ValueTextEquals("expires_on"u8))
                {
                    reader.Read();
                    expiresOn = ReadTime(ref reader, "expires_on", now, allowDate: true);
                }
                else if (reader.ValueTextEquals("expires_in"u8))
                {
                    reader.Read();
                    expiresIn = ReadTime(ref reader, "expires_in", now, allowDate: false);
                }
                else if (reader.ValueTextEquals("refresh_in"u8))
                {
                    reader.Read();
                    refreshIn = ReadTime(ref reader, "refresh_in", now, allowDate: false) - now;
                }
                else if (reader.ValueTextEquals("token_type"u8))
                {
                    reader.Read();
                    tokenType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("resource"u8))
                {
                    reader.Read();
                    resource = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The exception's message may quote the body, which holds the token: report the position only.
            throw Invalid("the body is not valid JSON");
        }

        if (string.IsNullOrEmpty(accessToken))
        {
            throw Invalid("'access_token' is missing or empty");
        }

        var expiry = expiresOn ?? expiresIn ?? throw Invalid("both 'expires_on' and 'expires_in' are missing");
        var refreshOn = ComputeRefreshOn(now, expiry, refreshIn);
        return new AccessToken(accessToken, expiry, refreshOn, string.IsNullOrEmpty(tokenType) ? "Bearer" : tokenType, resource ?? requestedResource);
    }

    /// <summary>
    /// Half the remaining lifetime when it exceeds two hours (Azure.Identity/MSAL behaviour for managed-identity
    /// tokens), else five minutes before expiry (or half-way, for tokens shorter than ten minutes).
    /// An explicit <c>refresh_in</c> wins.
    /// </summary>
    internal static DateTimeOffset ComputeRefreshOn(DateTimeOffset now, DateTimeOffset expiresOn, TimeSpan? refreshIn)
    {
        var lifetime = expiresOn - now;
        if (refreshIn is { } explicitRefresh && explicitRefresh > TimeSpan.Zero && explicitRefresh < lifetime)
        {
            return now + explicitRefresh;
        }

        if (lifetime > TwoHours)
        {
            return now + (lifetime / 2);
        }

        var offset = lifetime / 2 < ShortTokenRefreshOffset ? lifetime / 2 : ShortTokenRefreshOffset;
        return expiresOn - (offset < TimeSpan.Zero ? TimeSpan.Zero : offset);
    }

    private static DateTimeOffset ReadTime(ref Utf8JsonReader reader, string field, DateTimeOffset now, bool allowDate)
    {
        long seconds;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt64(out seconds))
            {
                seconds = reader.TryGetDouble(out var d) && d is >= 0 and < long.MaxValue ? (long)d : throw Invalid($"'{field}' is not a number of seconds");
            }
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString();
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out seconds))
            {
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 0 and < long.MaxValue)
                {
                    seconds = (long)d;
                }
                else if (allowDate && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                {
                    return date;
                }
                else
                {
                    throw Invalid($"'{field}' is not a number of seconds");
                }
            }
        }
        else
        {
            throw Invalid($"'{field}' is neither a string nor a number");
        }

        if (seconds < 0)
        {
            throw Invalid($"'{field}' is negative");
        }

        if (seconds < AbsoluteTimeThreshold)
        {
            return now + TimeSpan.FromSeconds(seconds);
        }

        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Invalid($"'{field}' is out of range");
        }
    }

    /// <summary>Reads <c>{"error":"…","error_description":"…"}</c> or <c>{"error":{"code":"…","message":"…"}}</c>.</summary>
    public static (string? Error, string? Description) ParseError(ReadOnlySpan<byte> body)
    {
        string? error = null, description = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        error = reader.GetString();
                    }
                    else if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isCode = reader.ValueTextEquals("code"u8);
                            var isMessage = reader.ValueTextEquals("message"u8);
                            reader.Read();
                            if (isCode && reader.TokenType == JsonTokenType.String)
                            {
                                error = reader.GetString();
                            }
                            else if (isMessage && reader.TokenType == JsonTokenType.String)
                            {
                                description ??= reader.GetString();
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("error_description"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        description = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (or truncated): keep what was read.
        }

        return (error, description);
    }

    private static ManagedIdentityException Invalid(string problem) =>
        new($"IMDS answered 200 but the token response is not usable: {problem}.", 200, null, null);
}
