using DirectLB.Providers.Http.Contract;
using Microsoft.AspNetCore.Http;

namespace DirectLB.Providers.Http.Server;

/// <summary>A response kept for an idempotency key, replayed byte for byte when the key comes again.</summary>
internal sealed record StoredResponse(int Status, string? ContentType, string? Location, byte[] Body)
{
    public static StoredResponse From(HttpResponse response, byte[] body) => new(
        response.StatusCode,
        response.ContentType,
        response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
        body);

    public async Task ReplayAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = Status;
        response.ContentType = ContentType;
        if (Location is not null)
        {
            response.Headers.Location = Location;
        }

        response.Headers[ContractHeaders.IdempotentReplayed] = "true";
        await response.Body.WriteAsync(Body, context.RequestAborted);
    }
}
