using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http;

/// <summary>
/// Sends one contract request and maps every way it can fail to a <see cref="ProviderException"/>.
/// Each mutating request carries a fresh <c>Idempotency-Key</c>: the key protects one logical call against
/// being executed twice when the same HTTP request is delivered twice (a retrying proxy, mesh or gateway, a
/// connection reset after the server acted), so a late duplicate of an older target batch cannot undo a newer
/// one. A retry by the caller is a new logical call with a new key; that is safe because every verb is
/// idempotent by itself (owner tags, upserts, deletes that succeed when gone).
/// </summary>
internal sealed class ContractClient(HttpClient http)
{
    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, LoadBalancerRef? loadBalancer, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, body, loadBalancer, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken)
                ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new ProviderException($"{Describe(method, path)} answered with a body that breaks the contract: {e.Message}", retryable: false, e);
        }
    }

    public async Task SendAsync(HttpMethod method, string path, object? body, LoadBalancerRef? loadBalancer, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, body, loadBalancer, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpMethod method,
        string path,
        object? body,
        LoadBalancerRef? loadBalancer,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Headers.Add(ContractHeaders.IdempotencyKey, Guid.NewGuid().ToString("N"));
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), new MediaTypeHeaderValue(ContractJson.MediaType), ContractJson.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ProviderException($"{Describe(method, path)} failed: {e.Message}", retryable: true, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation the caller did not ask for.
            throw new ProviderException($"{Describe(method, path)} timed out after {http.Timeout.TotalSeconds:0.###}s", retryable: true, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ResponseErrors.ToExceptionAsync(Describe(method, path), response, loadBalancer, cancellationToken);
        }
    }

    private string Describe(HttpMethod method, string path) => $"{method} {new Uri(http.BaseAddress!, path)}";
}
