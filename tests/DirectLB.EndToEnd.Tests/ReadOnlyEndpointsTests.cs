using System.Net;
using System.Text.RegularExpressions;
using DirectLB.Actors.Domain;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.KubeApiServer.Typed;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static DirectLB.EndToEnd.Tests.Support.KubeObjects;

namespace DirectLB.EndToEnd.Tests;

/// <summary>
/// The HTTP endpoints only read. Every route the host maps (found in its routing table, so a new one is covered
/// too) refuses every method but GET and HEAD, and answers HEAD as it answers GET, without a body.
/// </summary>
[Trait("Category", "EndToEnd")]
public partial class ReadOnlyEndpointsTests : EndToEndTest
{
    private static readonly string[] Refused = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "X-WRITE"];

    private readonly HttpClient _http = new();

    [Fact]
    public async Task Every_route_refuses_every_method_but_GET_and_HEAD()
    {
        Api.Store.Create(LoadBalancerService("web"));
        Api.Store.Create(Slice("web", "web-abc", Ready("10.244.1.5")));
        await TargetsAre("10.244.1.5:8080");
        await Eventually.Until(
            () => Api.Store.CoreEventsFor(Namespace, "web", "Service").Any(e => e.Reason == ServiceEventReason.EnsuredLoadBalancer),
            "DirectLB is done writing: the load balancer is ensured");
        var paths = Routes();
        Assert.Superset(new HashSet<string> { "/healthz", "/readyz", "/metrics", "/", "/api/clusters", "/api/replicas", "/api/services", "/api/services/shop/web" }, paths.ToHashSet());
        var calls = Cloud.TotalCalls;
        var requests = Api.Requests.Count(r => r.Method != "GET");

        foreach (var path in paths)
        {
            foreach (var method in Refused)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(DirectLb.BaseAddress, path));
                if (method is "POST" or "PUT" or "PATCH" or "DELETE")
                {
                    request.Content = new StringContent("""{"spec":{}}""", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await _http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{method} {path}: {response.StatusCode}");
                Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow);
            }

            using var get = await _http.GetAsync(new Uri(DirectLb.BaseAddress, path));
            using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(DirectLb.BaseAddress, path)));
            Assert.True(get.StatusCode == head.StatusCode, $"HEAD {path}: {head.StatusCode}, GET: {get.StatusCode}");
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(calls, Cloud.TotalCalls);
        Assert.Equal(requests, Api.Requests.Count(r => r.Method != "GET"));
    }

    /// <summary>Every route of the host, its parameters filled in with the one Service there is.</summary>
    private List<string> Routes() =>
        [.. DirectLb.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Select(pattern => CatchAll().Replace(pattern, "no/such/path"))
            .Select(pattern => pattern.Replace("{namespace}", "shop").Replace("{name}", "web"))
            .Distinct()];

    [GeneratedRegex(@"\{\*[^}]*\}")]
    private static partial Regex CatchAll();
}
