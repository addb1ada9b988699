[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("DirectLB.HAProxy.Tests")]
