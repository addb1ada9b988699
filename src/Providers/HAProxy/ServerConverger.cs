using System.Globalization;
using System.Diagnostics;
using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Makes the servers of the running HAProxy match the model through the runtime API, without a reload:
/// adds missing servers, removes servers the model does not have, and corrects weight and drain state.
/// Every step is idempotent, so a retried batch, a DirectLB restart or a fresh HAProxy all converge the same way.
/// With ClientIP affinity, a server that starts draining or leaves loses its clients' stick-table entries: HAProxy would
/// otherwise keep sending a stuck client's new connections to a draining server, which kube-proxy never does.
/// </summary>
internal sealed class ServerConverger(RuntimeApiClient admin, HAProxyProviderOptions options, ILogger logger)
{
    private static readonly TimeSpan DeleteRetryInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>What the running HAProxy has now, by backend.</summary>
    public async Task<ILookup<string, RuntimeServer>> ReadAsync(CancellationToken cancellationToken) =>
        RuntimeServer.ParseAll(await admin.SendAsync("show servers state", cancellationToken)).ToLookup(s => s.Backend, StringComparer.Ordinal);

    /// <summary>Converges every backend of the model, reading the runtime once.</summary>
    public async Task ConvergeAllAsync(HAProxyModel model, CancellationToken cancellationToken)
    {
        var runtime = await ReadAsync(cancellationToken);
        foreach (var (backend, listener) in model.Backends())
        {
            await ConvergeAsync(backend, listener, runtime[backend], cancellationToken);
        }
    }

    public async Task ConvergeAsync(string backend, ListenerInfo listener, IEnumerable<RuntimeServer> running, CancellationToken cancellationToken)
    {
        var actual = running.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var desired = listener.Targets.ToDictionary(t => ServerName.For(t.Key), StringComparer.Ordinal);

        foreach (var name in actual.Keys.Except(desired.Keys))
        {
            await RemoveAsync(backend, actual[name], listener.Spec, cancellationToken);
        }

        foreach (var (name, target) in desired)
        {
            var server = $"{backend}/{name}";
            if (!actual.TryGetValue(name, out var current))
            {
                await AddAsync(server, listener.Spec, target, cancellationToken);
                continue;
            }

            if (current.UserWeight != target.Weight)
            {
                await admin.ExecuteSilentAsync($"set server {server} weight {target.Weight}", cancellationToken);
            }

            var wantDrain = target.State == TargetState.Draining;
            if (current.InMaintenance || current.Draining != wantDrain)
            {
                // A server that starts draining forgets its stuck clients on the same command line: as two requests,
                // a client's new connection between them still reached it, and anyone reading the state in between
                // saw it draining with its clients still stuck to it.
                var forget = wantDrain && !current.Draining ? ForgetStuckClients(backend, current, listener.Spec) : null;
                var state = StateCommand(server, target.State);
                await admin.ExecuteSilentAsync(forget is null ? state : $"{state}; {forget}", cancellationToken);
            }
        }
    }

    /// <summary>Writes what the running servers look like to the server state file the next HAProxy process loads.</summary>
    public async Task SaveStateAsync(CancellationToken cancellationToken)
    {
        var dump = await admin.SendAsync("show servers state", cancellationToken);
        RuntimeServer.ParseAll(dump);
        await AtomicFile.WriteAsync(options.ServerStatePath, dump, cancellationToken);
    }

    private async Task AddAsync(string server, ListenerSpec listener, TargetSpec target, CancellationToken cancellationToken)
    {
        // A dynamic server starts in maintenance; "Already exists" means a previous attempt got this far.
        await admin.ExecuteAsync(
            $"add server {server} {ServerArguments.For(listener, target, options.Transparent)}",
            answer => answer.StartsWith("New server registered", StringComparison.Ordinal) || answer.Contains("Already exists", StringComparison.Ordinal),
            cancellationToken);
        if (listener.HealthCheck is null)
        {
            await SetStateAsync(server, target.State, cancellationToken);
        }
        else
        {
            // Checks of dynamic servers are off until enabled explicitly, and a server leaving maintenance starts up
            // (HAProxy assumes health = rise). A new target must instead start down and take traffic only once it
            // passed `rise` checks, as a cloud load balancer's new target does, or a readiness gate would open on a
            // pod nothing has checked. One command line, so the two run back to back.
            await admin.ExecuteSilentAsync($"enable health {server}", cancellationToken);
            await admin.ExecuteSilentAsync($"{StateCommand(server, target.State)}; set server {server} health down", cancellationToken);
        }

        logger.LogInformation("Added server {Server} ({State}, weight {Weight})", server, target.State, target.Weight);
    }

    /// <summary>The command that clears the backend's stick-table entries sending clients to <paramref name="running"/>; null without affinity.</summary>
    private static string? ForgetStuckClients(string backend, RuntimeServer running, ListenerSpec listener) =>
        listener.Affinity is null ? null : $"clear table {backend} data.server_id eq {running.Id.ToString(CultureInfo.InvariantCulture)}";

    private Task SetStateAsync(string server, TargetState state, CancellationToken cancellationToken) =>
        admin.ExecuteSilentAsync(StateCommand(server, state), cancellationToken);

    private static string StateCommand(string server, TargetState state) =>
        $"set server {server} state {(state == TargetState.Draining ? "drain" : "ready")}";

    /// <summary>
    /// Maintenance first (no new connections), then cut the established ones, then delete: HAProxy only
    /// deletes a server in maintenance with no connection left, and the cut connections close asynchronously.
    /// </summary>
    private async Task RemoveAsync(string backend, RuntimeServer running, ListenerSpec listener, CancellationToken cancellationToken)
    {
        var server = $"{backend}/{running.Name}";
        static bool DoneOrGone(string answer) => answer.Length == 0 || answer.StartsWith("No such server", StringComparison.Ordinal);
        await admin.ExecuteAsync($"set server {server} state maint", DoneOrGone, cancellationToken);

        // Its id may be given to a server added later, which must not inherit these clients.
        if (ForgetStuckClients(backend, running, listener) is { } forget)
        {
            await admin.ExecuteSilentAsync(forget, cancellationToken);
        }

        await admin.ExecuteAsync($"shutdown sessions server {server}", DoneOrGone, cancellationToken);

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answer = (await admin.SendAsync($"del server {server}", cancellationToken)).Trim();
            if (answer.StartsWith("Server deleted", StringComparison.Ordinal) || answer.StartsWith("No such server", StringComparison.Ordinal))
            {
                logger.LogInformation("Removed server {Server}", server);
                return;
            }

            if (deadline.Elapsed > options.ServerDeleteTimeout)
            {
                throw new ProviderException($"HAProxy refused 'del server {server}' for {options.ServerDeleteTimeout.TotalSeconds:0.#} s: {RuntimeApiClient.OneLine(answer)}");
            }

            await Task.Delay(DeleteRetryInterval, cancellationToken);
        }
    }
}
