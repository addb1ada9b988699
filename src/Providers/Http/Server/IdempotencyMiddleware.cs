using System.Security.Cryptography;
using DirectLB.Providers.Http.Contract;
using Microsoft.AspNetCore.Http;

namespace DirectLB.Providers.Http.Server;

/// <summary>
/// Makes every mutating request safe to deliver twice: the first delivery of an <c>Idempotency-Key</c> runs and
/// its response is kept; a repeat of the same request gets that response again without running. Throttled (429)
/// and failed (5xx) outcomes are not kept, so a retry with the same key runs again, as it should.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store)
{
    private const int MaxKeyLength = 255;

    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        var key = context.Request.Headers[ContractHeaders.IdempotencyKey].ToString();
        if (key.Length is 0 or > MaxKeyLength)
        {
            await ProblemResult.Of(400, ProblemTypes.InvalidRequest, "Idempotency-Key required",
                $"every {context.Request.Method} needs an {ContractHeaders.IdempotencyKey} header of 1 to {MaxKeyLength} characters",
                retryable: false).ExecuteAsync(context);
            return;
        }

        var fingerprint = await FingerprintAsync(context.Request);
        switch (store.Begin(key, fingerprint, out var stored))
        {
            case IdempotencyDecision.Replay:
                await stored!.ReplayAsync(context);
                return;
            case IdempotencyDecision.InFlight:
                await ProblemResult.Of(409, ProblemTypes.IdempotencyKeyInUse, "Idempotency key in use",
                    $"a request with key {key} is still running", retryable: true).ExecuteAsync(context);
                return;
            case IdempotencyDecision.KeyReused:
                await ProblemResult.Of(422, ProblemTypes.IdempotencyKeyReused, "Idempotency key reused",
                    $"key {key} was used for a different request", retryable: false).ExecuteAsync(context);
                return;
        }

        await ExecuteAndKeepAsync(context, key, fingerprint);
    }

    private async Task ExecuteAndKeepAsync(HttpContext context, string key, string fingerprint)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        StoredResponse? outcome = null;
        try
        {
            await next(context);
            var status = context.Response.StatusCode;
            outcome = status is < 500 and not 429 ? StoredResponse.From(context.Response, buffer.ToArray()) : null;
        }
        finally
        {
            context.Response.Body = original;
            store.Finish(key, fingerprint, outcome);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>Method, path, query and a hash of the body: what makes two deliveries "the same request".</summary>
    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        request.EnableBuffering();
        var hash = await SHA256.HashDataAsync(request.Body, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return $"{request.Method} {request.Path}{request.QueryString} {Convert.ToHexString(hash)}";
    }
}
