using DirectLB.Host;
using Microsoft.AspNetCore.Builder;

namespace DirectLB.Traffic.Tests.Support;

/// <summary>DirectLB's real host in this process, composed by <see cref="DirectLbHost"/> from command-line arguments, with nothing replaced.</summary>
public sealed class InProcessDirectLb : IAsyncDisposable
{
    private readonly WebApplication _host;

    private InProcessDirectLb(WebApplication host) => _host = host;

    /// <summary>Starts the host; a provider that cannot start (HAProxy missing) throws here, as it fails the process start.</summary>
    public static async Task<InProcessDirectLb> StartAsync(string[] args)
    {
        var host = DirectLbHost.Build(DirectLbHost.CreateBuilder(args));
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return new InProcessDirectLb(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
    }
}
