using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http;

/// <summary>Turns an unsuccessful response into the provider exception the caller's retry logic understands.</summary>
internal static class ResponseErrors
{
    public static async Task<ProviderException> ToExceptionAsync(
        string request,
        HttpResponseMessage response,
        LoadBalancerRef? loadBalancer,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var problem = await ReadProblemAsync(response, cancellationToken);
        var detail = problem?.Detail ?? problem?.Title ?? "no problem details";
        var message = $"{request} failed with {status} ({response.ReasonPhrase}): {detail}";
        return status switch
        {
            429 => new ProviderThrottledException(message, RetryAfter(response.Headers)),
            404 when loadBalancer is not null && problem?.Type == ProblemTypes.LoadBalancerNotFound
                => new LoadBalancerNotFoundException(loadBalancer.Id),
            412 when loadBalancer is not null && problem?.Type == ProblemTypes.LoadBalancerNotOwned
                => new LoadBalancerNotOwnedException(loadBalancer, $"the load balancer API refused: {detail}"),
            422 when problem?.Type == ProblemTypes.AddressUnavailable => new AddressUnavailableException(message),
            _ => new ProviderException(message, Retryable(status, problem?.Retryable)),
        };
    }

    /// <summary>
    /// 422 is a refusal and 5xx a server fault whatever the body says; for other codes the server's
    /// <c>retryable</c> decides, and a 4xx without one is a request that will not get better by repeating it.
    /// </summary>
    private static bool Retryable(int status, bool? serverSays) => status switch
    {
        422 => false,
        >= 500 => true,
        408 or 409 => true,
        _ => serverSays ?? false,
    };

    private static TimeSpan? RetryAfter(HttpResponseHeaders headers) => headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    /// <summary>
    /// Reads the problem body leniently: an in-house server may leave out fields or answer from a proxy with
    /// HTML, and the status code must still come through.
    /// </summary>
    private static async Task<Problem?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not (ProblemDto.MediaType or ContractJson.MediaType))
        {
            return null;
        }

        try
        {
            var body = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return body is JsonObject json
                ? new Problem(Text(json, "type"), Text(json, "title"), Text(json, "detail"), json["retryable"]?.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => null,
                })
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private sealed record Problem(string? Type, string? Title, string? Detail, bool? Retryable);
}
