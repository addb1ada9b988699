using DirectLB.Actors.Kubernetes;

namespace DirectLB.Tests.Kubernetes;

public class StringPoolTests
{
    [Fact]
    public void An_equal_value_is_answered_with_the_first_copy()
    {
        var pool = new StringPool();
        var first = new string("IPv4".AsSpan());

        Assert.Same(first, pool.Get(first));
        Assert.Same(first, pool.Get(new string("IPv4".AsSpan())));
        Assert.Null(pool.Get(null));
    }

    [Fact]
    public void A_full_pool_keeps_what_it_holds_and_returns_new_values_as_they_are()
    {
        var pool = new StringPool(capacity: 2);
        var kept = pool.Get(new string("a".AsSpan()));
        pool.Get(new string("b".AsSpan()));
        var beyond = new string("c".AsSpan());

        Assert.Same(beyond, pool.Get(beyond));
        Assert.NotSame(beyond, pool.Get(new string("c".AsSpan())));
        Assert.Same(kept, pool.Get(new string("a".AsSpan())));
        Assert.Equal(2, pool.Count);
    }
}
