using DirectLB.Actors.Kubernetes;

namespace DirectLB.Tests.Kubernetes;

public class ServiceSelectorIndexTests
{
    [Fact]
    public void A_Service_selects_a_pod_when_every_term_of_its_selector_matches()
    {
        var index = new ServiceSelectorIndex();
        index.Set("shop", "web", new Dictionary<string, string> { ["app"] = "web" });
        index.Set("shop", "canary", new Dictionary<string, string> { ["app"] = "web", ["track"] = "canary" });
        index.Set("shop", "manual", new Dictionary<string, string>());
        index.Set("other", "web", new Dictionary<string, string> { ["app"] = "web" });

        Assert.Equal(["web"], index.Selecting("shop", new Dictionary<string, string> { ["app"] = "web", ["track"] = "stable" }).ToArray());
        Assert.Equal(["canary", "web"], index.Selecting("shop", new Dictionary<string, string> { ["app"] = "web", ["track"] = "canary" }).ToArray());
        Assert.Empty(index.Selecting("shop", new Dictionary<string, string>()));
        Assert.Equal(3, index.Count);

        index.Set("shop", "web", null);
        index.Remove("other", "web");
        Assert.Equal(1, index.Count);
        Assert.Empty(index.Selecting("other", new Dictionary<string, string> { ["app"] = "web" }));
    }
}
