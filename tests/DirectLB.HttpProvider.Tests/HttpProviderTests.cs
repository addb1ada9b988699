using System.Net;
using System.Net.Sockets;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;
using static DirectLB.Providers.Http.Tests.Support.Samples;

namespace DirectLB.Providers.Http.Tests;

/// <summary>What only the HTTP path has: status codes, headers, timeouts, reachability, authentication.</summary>
public sealed class HttpProviderTests
{
    [Fact]
    public async Task A_server_failure_names_the_method_url_and_status()
    {
        await using var sut = await CloudServers.StartWithHttpProviderAsync();
        sut.Cloud.Faults.FailNext(ProviderCallKind.EnsureLoadBalancer);

        var error = await Assert.ThrowsAsync<ProviderException>(() => sut.Provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None));

        Assert.Matches(@"^POST http://127\.0\.0\.1:\d+/v1/loadbalancers failed with 500 ", error.Message);
    }

    [Fact]
    public async Task Throttling_answers_429_with_retry_after_in_whole_seconds()
    {
        var cloud = new SimulatedProvider(new SimulatedProviderOptions { RateLimitPerSecond = 0.01, RateLimitBurst = 1 });
        await using var server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Provider = cloud });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var allowed = await http.SendAsync(RawRequests.Find(Owner));
        using var throttled = await http.SendAsync(RawRequests.Find(Owner));

        Assert.Equal((200, 429), ((int)allowed.StatusCode, (int)throttled.StatusCode));
        Assert.InRange(throttled.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(100));
        var problem = await RawRequests.ReadProblemAsync(throttled);
        Assert.Equal((ProblemTypes.Throttled, 429, true), (problem.Type, problem.Status, problem.Retryable));
    }

    [Fact]
    public async Task A_randomly_throttled_call_reaches_the_client_as_429_with_its_retry_after()
    {
        await using var sut = await CloudServers.StartWithHttpProviderAsync(new SimulatedProviderOptions
        {
            Chaos = new ProviderChaos { ThrottleRate = 1, ThrottleRetryAfter = TimeSpan.FromSeconds(2) },
        });

        var throttled = await Assert.ThrowsAsync<ProviderThrottledException>(() => sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(2), throttled.RetryAfter);
        Assert.Equal(1, sut.Cloud.ChaosInjected(ChaosDraw.Throttle));
    }

    [Fact]
    public async Task A_slow_server_times_out_as_retryable()
    {
        await using var sut = await CloudServers.StartWithHttpProviderAsync(
            new SimulatedProviderOptions { Latency = TimeSpan.FromMinutes(5) },
            // Long enough for the capabilities read at creation on a busy machine, far short of the latency.
            options => options with { Timeout = TimeSpan.FromSeconds(3) });

        var error = await Assert.ThrowsAsync<ProviderException>(() => sut.Provider.FindLoadBalancerAsync(Owner, CancellationToken.None));

        Assert.True(error.Retryable);
        Assert.Contains("timed out after 3s", error.Message);
    }

    [Fact]
    public async Task An_unreachable_server_fails_creation_with_a_retryable_error_naming_it()
    {
        var closed = ClosedLoopbackPort();

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            HttpProvider.CreateAsync(new HttpProviderOptions { BaseAddress = new Uri($"http://127.0.0.1:{closed}/") }));

        Assert.True(error.Retryable);
        Assert.StartsWith($"the load balancer API at http://127.0.0.1:{closed}/ did not give its capabilities: GET http://127.0.0.1:{closed}/v1/capabilities failed", error.Message);
    }

    [Fact]
    public async Task A_base_address_that_serves_something_else_fails_creation_for_good()
    {
        await using var server = await SimulatedCloudServer.StartAsync();

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            HttpProvider.CreateAsync(new HttpProviderOptions { BaseAddress = new Uri(server.BaseAddress, "not-the-api/") }));

        Assert.False(error.Retryable);
        Assert.Contains("404", error.Message);
    }

    [Fact]
    public async Task A_server_with_a_token_admits_only_clients_that_send_it()
    {
        await using var server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { BearerToken = "s3cret" });

        var refused = await Assert.ThrowsAsync<ProviderException>(() =>
            HttpProvider.CreateAsync(new HttpProviderOptions { BaseAddress = server.BaseAddress, BearerToken = "wrong" }));
        using var admitted = await HttpProvider.CreateAsync(new HttpProviderOptions { BaseAddress = server.BaseAddress, BearerToken = "s3cret" });
        await admitted.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);

        Assert.False(refused.Retryable);
        Assert.Contains("401", refused.Message);
        Assert.Single(server.Provider.LoadBalancers);
    }

    /// <summary>A port nothing listens on: bound once to learn a free one, then released.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
