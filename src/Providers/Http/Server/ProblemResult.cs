using DirectLB.Providers.Http.Contract;
using Microsoft.AspNetCore.Http;

namespace DirectLB.Providers.Http.Server;

/// <summary>An error response: a problem body, and <c>Retry-After</c> when the client should wait.</summary>
internal sealed class ProblemResult(ProblemDto problem, TimeSpan? retryAfter = null) : IResult
{
    public ProblemDto Problem => problem;

    public static ProblemResult Of(int status, string type, string title, string detail, bool retryable) =>
        new(new ProblemDto(type, title, status, detail, retryable));

    /// <summary>How each failure of the simulated provider (and of the request itself) reads on the wire.</summary>
    public static ProblemResult For(Exception error) => error switch
    {
        InvalidRequestException e => Of(400, ProblemTypes.InvalidRequest, "Invalid request", e.Message, retryable: false),
        LoadBalancerNotFoundException e => Of(404, ProblemTypes.LoadBalancerNotFound, "Load balancer not found", e.Message, retryable: false),
        LoadBalancerNotOwnedException e => Of(412, ProblemTypes.LoadBalancerNotOwned, "Load balancer not owned", e.Message, retryable: false),
        ProviderThrottledException e => new(new ProblemDto(ProblemTypes.Throttled, "Too many requests", 429, e.Message, Retryable: true), e.RetryAfter),
        AddressUnavailableException e => Of(422, ProblemTypes.AddressUnavailable, "Address unavailable", e.Message, retryable: false),
        ProviderException { Retryable: false } e => Of(422, ProblemTypes.Refused, "Refused", e.Message, retryable: false),
        ProviderException e => Of(500, ProblemTypes.ProviderError, "Provider error", e.Message, retryable: true),
        _ => throw new ArgumentException($"no problem is defined for {error.GetType().Name}", nameof(error)),
    };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = problem.Status;
        if (retryAfter is { } wait)
        {
            // Retry-After counts whole seconds; rounding up never invites a client back too early.
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.WriteAsJsonAsync(problem, ContractJson.Options, ProblemDto.MediaType, httpContext.RequestAborted);
    }
}
