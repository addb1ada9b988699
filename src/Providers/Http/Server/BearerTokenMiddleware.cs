using System.Security.Cryptography;
using System.Text;
using DirectLB.Providers.Http.Contract;
using Microsoft.AspNetCore.Http;

namespace DirectLB.Providers.Http.Server;

/// <summary>Refuses requests without <c>Authorization: Bearer {token}</c>, as a real platform would.</summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + token);

    public async Task InvokeAsync(HttpContext context)
    {
        var presented = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
        if (CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await ProblemResult.Of(401, ProblemTypes.Unauthorized, "Unauthorized", "a valid bearer token is required", retryable: false)
            .ExecuteAsync(context);
    }
}
