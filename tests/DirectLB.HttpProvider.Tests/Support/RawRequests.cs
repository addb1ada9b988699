using System.Net.Http.Json;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Tests.Support;

/// <summary>Contract requests built by hand, for tests that must control headers the provider sets itself.</summary>
public static class RawRequests
{
    public static HttpRequestMessage EnsureLoadBalancer(string idempotencyKey, string name = "shop-web", LoadBalancerOwner? owner = null) =>
        new(HttpMethod.Post, "v1/loadbalancers")
        {
            Headers = { { ContractHeaders.IdempotencyKey, idempotencyKey } },
            Content = JsonContent.Create(new EnsureLoadBalancerRequest(name, (owner ?? Samples.Owner).ToTags()), options: ContractJson.Options),
        };

    public static HttpRequestMessage Find(LoadBalancerOwner owner) =>
        new(HttpMethod.Get, "v1/loadbalancers?" + string.Join('&', owner.ToTags().Select(tag => "tag=" + Uri.EscapeDataString($"{tag.Key}={tag.Value}"))));

    public static async Task<ProblemDto> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(ProblemDto.MediaType, response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<ProblemDto>(ContractJson.Options))!;
    }
}
