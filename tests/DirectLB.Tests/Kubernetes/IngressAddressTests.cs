using DirectLB.Actors.Domain;

namespace DirectLB.Tests.Kubernetes;

/// <summary>What status.loadBalancer.ingress can carry, as the API server validates it, and the form it is published in.</summary>
public class IngressAddressTests
{
    [Theory]
    [InlineData("127.0.201.5", "127.0.201.5")]
    [InlineData("2001:DB8:0:0::1", "2001:db8::1")]
    [InlineData("lb-1.example.com", "lb-1.example.com")]
    [InlineData("LB-1.Example.COM", "lb-1.example.com")]
    [InlineData("lb-1.example.com.", "lb-1.example.com")]
    [InlineData("localhost", "localhost")]
    [InlineData("1", "1")]
    public void An_address_Kubernetes_accepts_is_published_in_the_form_it_takes(string address, string published) =>
        Assert.Equal(published, IngressAddress.Publishable(address));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("lb_1.example.com")]
    [InlineData("-lb.example.com")]
    [InlineData("lb..example.com")]
    [InlineData("fe80::1%eth0")]
    [InlineData("010.0.0.1")]
    [InlineData("10.0.0.1/32")]
    [InlineData("lb.example.com:443")]
    [InlineData("dépôt.example.com")]
    public void An_address_the_API_server_would_refuse_is_not_published(string address)
    {
        Assert.Null(IngressAddress.Publishable(address));
        Assert.Equal([address], IngressAddress.Unpublishable(["127.0.201.5", address]));
    }

    [Fact]
    public void A_name_longer_than_253_characters_is_not_published() =>
        Assert.Null(IngressAddress.Publishable(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))));
}
