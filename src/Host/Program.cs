return await DirectLB.Host.DirectLbHost.RunAsync(args);
