using DirectLB.Providers;
using DirectLB.Providers.HAProxy;

namespace DirectLB.HAProxy.Tests;

[Trait("Category", "HAProxy")]
public sealed class HAProxyBinaryTests
{
    [Fact]
    public async Task A_configuration_haproxy_rejects_fails_for_good_with_haproxy_s_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dlb-bad-{Guid.NewGuid():N}.cfg");
        await File.WriteAllTextAsync(path, "defaults\n    mode tcp\nfrontend f\n    bind 127.0.100.1:1\n    no_such_keyword 1\n");
        try
        {
            var error = await Assert.ThrowsAsync<ProviderException>(() => new HAProxyBinary("haproxy").ValidateAsync(path, CancellationToken.None));

            Assert.False(error.Retryable);
            Assert.Contains("no_such_keyword", error.Message);
            Assert.Contains(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_installed_haproxy_is_new_enough()
    {
        var version = await new HAProxyBinary("haproxy").CheckVersionAsync(CancellationToken.None);

        Assert.True(version >= HAProxyBinary.MinimumVersion);
    }
}
