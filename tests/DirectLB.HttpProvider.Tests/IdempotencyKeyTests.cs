using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Simulated;
using DirectLB.Providers.Simulated.Server;
using static DirectLB.Providers.Http.Tests.Support.RawRequests;

namespace DirectLB.Providers.Http.Tests;

public sealed class IdempotencyKeyTests
{
    [Fact]
    public async Task A_repeated_key_replays_the_first_response_without_running_again()
    {
        await using var server = await SimulatedCloudServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var first = await http.SendAsync(EnsureLoadBalancer("key-1"));
        using var second = await http.SendAsync(EnsureLoadBalancer("key-1"));

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(201, (int)second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.False(first.Headers.Contains(ContractHeaders.IdempotentReplayed));
        Assert.Equal(["true"], second.Headers.GetValues(ContractHeaders.IdempotentReplayed));
        Assert.Single(server.Provider.LoadBalancers);
        Assert.Equal(1, server.Provider.CallCount(ProviderCallKind.EnsureLoadBalancer));
    }

    [Fact]
    public async Task A_new_key_runs_the_request_and_finds_what_exists()
    {
        await using var server = await SimulatedCloudServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var first = await http.SendAsync(EnsureLoadBalancer("key-1"));
        using var second = await http.SendAsync(EnsureLoadBalancer("key-2"));

        Assert.Equal((201, 200), ((int)first.StatusCode, (int)second.StatusCode));
        Assert.Single(server.Provider.LoadBalancers);
        Assert.Equal(2, server.Provider.CallCount(ProviderCallKind.EnsureLoadBalancer));
    }

    [Fact]
    public async Task A_failed_request_is_not_kept_so_retrying_its_key_runs_it()
    {
        await using var server = await SimulatedCloudServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        server.Provider.Faults.FailNext(ProviderCallKind.EnsureLoadBalancer);

        using var failed = await http.SendAsync(EnsureLoadBalancer("key-1"));
        using var retried = await http.SendAsync(EnsureLoadBalancer("key-1"));

        Assert.Equal((500, 201), ((int)failed.StatusCode, (int)retried.StatusCode));
        Assert.True((await ReadProblemAsync(failed)).Retryable);
    }

    [Fact]
    public async Task A_key_reused_for_a_different_request_is_refused()
    {
        await using var server = await SimulatedCloudServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var first = await http.SendAsync(EnsureLoadBalancer("key-1"));
        using var other = await http.SendAsync(EnsureLoadBalancer("key-1", name: "another-name"));

        Assert.Equal(422, (int)other.StatusCode);
        var problem = await ReadProblemAsync(other);
        Assert.Equal((ProblemTypes.IdempotencyKeyReused, false), (problem.Type, problem.Retryable));
    }

    [Fact]
    public async Task A_mutating_request_without_a_key_is_a_bad_request()
    {
        await using var server = await SimulatedCloudServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = EnsureLoadBalancer("unused");
        request.Headers.Remove(ContractHeaders.IdempotencyKey);

        using var response = await http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(ContractHeaders.IdempotencyKey, (await ReadProblemAsync(response)).Detail);
        Assert.Empty(server.Provider.LoadBalancers);
    }

    [Fact]
    public async Task A_key_still_running_answers_conflict_until_it_finishes()
    {
        var cloud = new SimulatedProvider(new SimulatedProviderOptions { Latency = TimeSpan.FromMinutes(5) });
        await using var server = await SimulatedCloudServer.StartAsync(new SimulatedCloudServerOptions { Provider = cloud });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var abandon = new CancellationTokenSource();

        var slow = http.SendAsync(EnsureLoadBalancer("key-1"), abandon.Token);
        await Eventually.Until(() => cloud.CallCount(ProviderCallKind.EnsureLoadBalancer) == 1, "the first request reaches the cloud");
        using var concurrent = await http.SendAsync(EnsureLoadBalancer("key-1"));
        await abandon.CancelAsync();

        Assert.Equal(409, (int)concurrent.StatusCode);
        var problem = await ReadProblemAsync(concurrent);
        Assert.Equal((ProblemTypes.IdempotencyKeyInUse, true), (problem.Type, problem.Retryable));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
    }
}
