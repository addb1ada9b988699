using DirectLB.Providers.Model;

namespace DirectLB.Tests.Providers;

public class LoadBalancerOwnerTests
{
    private static readonly LoadBalancerOwner Web = new("east", "shop", "web", "uid-1");

    [Theory]
    [InlineData("east", "shop/web", true)]
    [InlineData("west", "shop/web", false)]
    [InlineData("east", "shop/webx", false)]
    [InlineData("east", "shopx/web", false)]
    [InlineData("east", "shop-web", false)]
    [InlineData("east", "sho/pweb", false)]
    [InlineData("east", "shop/we", false)]
    [InlineData("east", "", false)]
    public void Owns_tags_that_name_exactly_its_scope_and_namespace_and_name(string scope, string service, bool owned)
    {
        var tags = new Dictionary<string, string> { [LoadBalancerOwner.ClusterTag] = scope, [LoadBalancerOwner.ServiceTag] = service };

        Assert.Equal(owned, Web.Owns(tags));
    }

    [Fact]
    public void Tags_without_the_service_tag_are_not_owned()
    {
        Assert.False(Web.Owns(new Dictionary<string, string> { [LoadBalancerOwner.ClusterTag] = "east" }));
        Assert.True(Web.Owns(Web.ToTags()));
    }
}
