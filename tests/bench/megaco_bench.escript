#!/usr/bin/env escript
%%! -noshell
%% SPDX-License-Identifier: GPL-3.0-or-later
%% megaco_bench.escript FILE...: decode+encode throughput of Erlang/OTP megaco's text codec (Debian
%% erlang-megaco) on the same files, one scheduler, each loop bounded by time (BENCH_SECONDS, default 1)
%% and count. Pretty files go through megaco_pretty_text_encoder, compact ones (starting with "!")
%% through megaco_compact_text_encoder. Run as megaco's users run it for speed: this module compiled
%% (not interpreted, escript's default), and the text decoders with the flex scanner (megaco's
%% linked-in C scanner, megaco_flex_scanner) when the installation has it; BENCH_MEGACO_FLEX=0 turns it
%% off. Prints "FILE <bytes> <messages per second>" and, on stderr, which scanner ran.
-mode(compile).

main(Files) ->
    Seconds = case os:getenv("BENCH_SECONDS") of
                  false -> 1.0;
                  S -> try list_to_float(S) catch error:badarg -> float(list_to_integer(S)) end
              end,
    Config = scanner(),
    [bench(F, Config, Seconds) || F <- Files],
    ok.

scanner() ->
    case os:getenv("BENCH_MEGACO_FLEX") =/= "0" andalso megaco_flex_scanner:is_enabled() of
        true ->
            {ok, Ports} = megaco_flex_scanner:start(),
            io:format(standard_error, "megaco: flex scanner~n", []),
            [{flex, Ports}];
        false ->
            io:format(standard_error, "megaco: Erlang scanner (no flex)~n", []),
            []
    end.

bench(File, Config, Seconds) ->
    {ok, Bin} = file:read_file(File),
    Mod = case Bin of <<"!", _/binary>> -> megaco_compact_text_encoder; _ -> megaco_pretty_text_encoder end,
    {ok, Msg0} = Mod:decode_message(Config, dynamic, Bin),
    {ok, _} = Mod:encode_message([], 3, Msg0),
    Limit = erlang:convert_time_unit(round(Seconds * 1000), millisecond, native),
    Start = erlang:monotonic_time(),
    N = loop(Mod, Config, Bin, Start, Limit, 0),
    Elapsed = erlang:convert_time_unit(erlang:monotonic_time() - Start, native, microsecond) / 1.0e6,
    io:format("~s ~b ~b~n", [File, byte_size(Bin), round(N / Elapsed)]).

loop(Mod, Config, Bin, Start, Limit, N) when N < 50000000 ->
    case erlang:monotonic_time() - Start < Limit of
        true -> loop(Mod, Config, Bin, Start, Limit, N + batch(Mod, Config, Bin, 100));
        false -> N
    end;
loop(_, _, _, _, _, N) -> N.

batch(_, _, _, 0) -> 0;
batch(Mod, Config, Bin, K) ->
    {ok, Msg} = Mod:decode_message(Config, dynamic, Bin),
    {ok, _} = Mod:encode_message([], 3, Msg),
    1 + batch(Mod, Config, Bin, K - 1).
