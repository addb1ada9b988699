using System.Net.Http.Json;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Simulated.Server;
using static DirectLB.Providers.Http.Tests.Support.RawRequests;
using static DirectLB.Providers.Http.Tests.Support.Samples;

namespace DirectLB.Providers.Http.Tests;

/// <summary>What the server answers to requests the Http provider never sends, as other clients might.</summary>
public sealed class ServerValidationTests : IAsyncLifetime
{
    private SimulatedCloudServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await SimulatedCloudServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_load_balancer_is_read_by_id_and_an_unknown_id_is_a_typed_404()
    {
        using var created = await _http.SendAsync(EnsureLoadBalancer("key-1"));
        var lb = (await created.Content.ReadFromJsonAsync<LoadBalancerDto>(ContractJson.Options))!;

        var read = await _http.GetFromJsonAsync<LoadBalancerDto>(created.Headers.Location!.ToString().TrimStart('/'), ContractJson.Options);
        using var missing = await _http.GetAsync("v1/loadbalancers/lb-404");

        Assert.Equal(lb.Id, read!.Id);
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal(ProblemTypes.LoadBalancerNotFound, (await ReadProblemAsync(missing)).Type);
    }

    [Fact]
    public async Task Ensuring_without_the_owner_tags_is_a_bad_request()
    {
        using var request = EnsureLoadBalancer("key-1", owner: Owner with { Namespace = "" });

        using var response = await _http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("directlb.io/service", (await ReadProblemAsync(response)).Detail);
    }

    [Fact]
    public async Task A_find_without_the_owner_tags_is_a_bad_request()
    {
        using var response = await _http.GetAsync("v1/loadbalancers?tag=team=shop");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(ProblemTypes.InvalidRequest, (await ReadProblemAsync(response)).Type);
    }

    [Fact]
    public async Task A_body_missing_a_required_field_is_a_bad_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/loadbalancers")
        {
            Headers = { { ContractHeaders.IdempotencyKey, "key-1" } },
            Content = JsonContent.Create(new { name = "shop-web" }),
        };

        using var response = await _http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("EnsureLoadBalancerRequest", (await ReadProblemAsync(response)).Detail);
    }

    [Fact]
    public async Task An_unknown_protocol_is_refused_like_an_unsupported_one()
    {
        using var created = await _http.SendAsync(EnsureLoadBalancer("key-1"));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{created.Headers.Location!.ToString().TrimStart('/')}/listeners/quic-443?{OwnerQuery}")
        {
            Headers = { { ContractHeaders.IdempotencyKey, "key-2" } },
            Content = JsonContent.Create(new ListenerSettingsDto("h3"), options: ContractJson.Options),
        };

        using var response = await _http.SendAsync(request);

        Assert.Equal(422, (int)response.StatusCode);
        Assert.False((await ReadProblemAsync(response)).Retryable);
    }

    [Theory]
    [InlineData("""{"sourceRanges":["10.0.0.0/33"]}""", "ListenerSettings")]
    [InlineData("""{"sourceRanges":["10.0.0.0"]}""", "ListenerSettings")]
    [InlineData("""{"sourceRanges":[]}""", "ListenerSettings")]
    [InlineData("""{"sourceRanges":["10.0.0.0/8", 7]}""", "ListenerSettings")]
    [InlineData("""{"sourceRanges":["fe80::1%eth0/64"]}""", "ListenerSettings")]
    [InlineData("""{"clientIpAffinity":{"timeoutSeconds":0}}""", "timeoutSeconds 0")]
    [InlineData("""{"clientIpAffinity":{"timeoutSeconds":86401}}""", "timeoutSeconds 86401")]
    [InlineData("""{"clientIpAffinity":{}}""", "timeoutSeconds")]
    public async Task A_listener_with_a_malformed_setting_is_a_bad_request_and_is_not_created(string setting, string named)
    {
        using var created = await _http.SendAsync(EnsureLoadBalancer("key-1"));
        var body = setting.Insert(1, "\"name\":\"http\",");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{created.Headers.Location!.ToString().TrimStart('/')}/listeners/tcp-80?{OwnerQuery}")
        {
            Headers = { { ContractHeaders.IdempotencyKey, "key-2" } },
            Content = new StringContent(body, System.Text.Encoding.UTF8, ContractJson.MediaType),
        };

        using var response = await _http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(named, (await ReadProblemAsync(response)).Detail);
        Assert.Empty(_server.Provider.LoadBalancers.Single().Listeners);
    }

    [Fact]
    public async Task A_request_by_id_that_names_no_owner_is_refused_as_malformed()
    {
        using var created = await _http.SendAsync(EnsureLoadBalancer("key-1"));
        using var request = new HttpRequestMessage(HttpMethod.Delete, created.Headers.Location!.ToString().TrimStart('/'))
        {
            Headers = { { ContractHeaders.IdempotencyKey, "key-2" } },
        };

        using var response = await _http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("owner", (await ReadProblemAsync(response)).Detail);
    }

    [Fact]
    public async Task A_request_by_id_that_names_another_owner_is_refused_with_412_and_changes_nothing()
    {
        using var created = await _http.SendAsync(EnsureLoadBalancer("key-1"));
        var someoneElse = TagQuery.Format(TagQuery.Owner, (Owner with { Name = "api" }).IdentityTags());
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{created.Headers.Location!.ToString().TrimStart('/')}?{someoneElse}")
        {
            Headers = { { ContractHeaders.IdempotencyKey, "key-2" } },
        };

        using var response = await _http.SendAsync(request);

        Assert.Equal(412, (int)response.StatusCode);
        Assert.Equal(ProblemTypes.LoadBalancerNotOwned, (await ReadProblemAsync(response)).Type);
        Assert.Single(_server.Provider.LoadBalancers);
    }

    [Theory]
    [InlineData("""["IPv4", "IPv4"]""")]
    [InlineData("""["ipv4"]""")]
    [InlineData("""[]""")]
    [InlineData("""["IPv4", "IPv6", "IPv4"]""")]
    public async Task Families_that_are_not_one_or_both_each_once_are_a_bad_request_and_nothing_is_created(string families)
    {
        using var response = await _http.SendAsync(EnsureWithFamilies("key-1", families));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Empty(_server.Provider.LoadBalancers);
    }

    [Fact]
    public async Task Families_are_written_as_Kubernetes_writes_them_and_every_address_comes_back_primary_first()
    {
        var capabilities = await _http.GetStringAsync("v1/capabilities");

        using var response = await _http.SendAsync(EnsureWithFamilies("key-1", """["IPv6", "IPv4"]"""));
        var lb = (await response.Content.ReadFromJsonAsync<LoadBalancerDto>(ContractJson.Options))!;

        Assert.Contains("\"addressFamilies\":[\"IPv4\",\"IPv6\"]", capabilities);
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(lb.Address, lb.Addresses![0]);
        Assert.Equal([true, false], lb.Addresses.Select(a => a.Contains(':')));
    }

    [Fact]
    public async Task A_cloud_without_an_IPv6_pool_declares_IPv4_alone_and_refuses_dual_stack_as_an_unavailable_address()
    {
        await using var server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Provider = new Simulated.SimulatedProvider(new Simulated.SimulatedProviderOptions { AddressPool6 = null }) });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var capabilities = await http.GetStringAsync("v1/capabilities");
        using var response = await http.SendAsync(EnsureWithFamilies("key-1", """["IPv4", "IPv6"]"""));

        Assert.Contains("\"addressFamilies\":[\"IPv4\"]", capabilities);
        Assert.Equal(422, (int)response.StatusCode);
        Assert.Equal(ProblemTypes.AddressUnavailable, (await ReadProblemAsync(response)).Type);
        Assert.Empty(server.Provider.LoadBalancers);
    }

    private static HttpRequestMessage EnsureWithFamilies(string idempotencyKey, string families) =>
        new(HttpMethod.Post, "v1/loadbalancers")
        {
            Headers = { { ContractHeaders.IdempotencyKey, idempotencyKey } },
            Content = new StringContent(
                $$"""{"name":"shop-web","tags":{{System.Text.Json.JsonSerializer.Serialize(Owner.ToTags())}},"ipFamilies":{{families}}}""",
                System.Text.Encoding.UTF8,
                ContractJson.MediaType),
        };

    private static string OwnerQuery => TagQuery.Format(TagQuery.Owner, Owner.IdentityTags());
}
