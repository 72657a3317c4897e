using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Dstack.Runtime.Tests.Gcp.Fake;

public sealed partial class FakeGcp
{
    private readonly List<TokenRequest> _tokenRequests = [];
    private readonly HashSet<string> _accessTokens = [];

    /// <summary>
    /// The audience Google's token endpoint requires in the JWT, whatever the key file's token_uri (Google.Apis.Auth
    /// writes this one; the fake is reached through token_uri).
    /// </summary>
    public const string GoogleTokenAudience = "https://oauth2.googleapis.com/token";

    /// <summary>Every assertion the token endpoint was given, verified or not.</summary>
    public IReadOnlyList<TokenRequest> TokenRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _tokenRequests];
            }
        }
    }

    /// <summary>When set, the token endpoint answers <c>invalid_grant</c> with this description (a disabled or deleted key).</summary>
    public string? RefuseTokens { get; set; }

    /// <summary>Whether <paramref name="token"/> is one the fake handed out.</summary>
    public bool IsAccessToken(string token)
    {
        lock (_gate)
        {
            return _accessTokens.Contains(token);
        }
    }

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync().ConfigureAwait(false);
        var grant = form["grant_type"].ToString();
        var assertion = form["assertion"].ToString();
        var (valid, claims, problem) = Verify(assertion);
        lock (_gate)
        {
            _tokenRequests.Add(new TokenRequest(grant, claims, valid, problem));
        }

        if (grant != "urn:ietf:params:oauth:grant-type:jwt-bearer" || !valid || RefuseTokens is not null)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json; charset=UTF-8";
            var description = RefuseTokens ?? problem ?? $"Unsupported grant type: {grant}";
            await context.Response.WriteAsync(new JsonObject { ["error"] = "invalid_grant", ["error_description"] = description }.ToJsonString()).ConfigureAwait(false);
            return;
        }

        var token = "ya29.fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            _accessTokens.Add(token);
        }

        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(new JsonObject { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" }.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>Checks the JWT as Google does: RS256 over header.payload with the key's public half, iss, aud, scope, iat/exp.</summary>
    private (bool Valid, JsonObject? Claims, string? Problem) Verify(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return (false, null, "Invalid JWT: not three parts");
        }

        JsonObject header, claims;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64Url(parts[0]))!.AsObject();
            claims = JsonNode.Parse(Base64Url(parts[1]))!.AsObject();
            signature = Base64Url(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return (false, null, "Invalid JWT: " + e.Message);
        }

        if ((string?)header["alg"] != "RS256")
        {
            return (false, claims, "Invalid JWT: alg must be RS256");
        }

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!_key.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return (false, claims, "Invalid JWT Signature.");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if ((string?)claims["iss"] != ServiceAccountEmail || (string?)claims["aud"] != GoogleTokenAudience)
        {
            return (false, claims, $"Invalid JWT: iss {claims["iss"]} or aud {claims["aud"]}");
        }

        var iat = claims["iat"]?.GetValue<long>() ?? 0;
        var exp = claims["exp"]?.GetValue<long>() ?? 0;
        if (iat > now + 300 || exp < now || exp - iat > 3600)
        {
            return (false, claims, "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
        }

        return (true, claims, null);
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}

/// <summary>One call of the token endpoint: its grant type, the JWT's claims (null when unreadable), and the verdict.</summary>
public sealed record TokenRequest(string GrantType, JsonObject? Claims, bool Valid, string? Problem);
