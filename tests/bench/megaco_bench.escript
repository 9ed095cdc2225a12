#!/usr/bin/env escript
%%! -noshell
%% SPDX-License-Identifier: GPL-3.0-or-later
%% megaco_bench.escript FILE...: decode+encode throughput of Erlang/OTP megaco's codecs (Debian
%% erlang-megaco) on the same files, one scheduler, each loop bounded by time (BENCH_SECONDS, default 1)
%% and count. Pretty files go through megaco_pretty_text_encoder, compact ones (starting with "!")
%% through megaco_compact_text_encoder, binary ones (first octet 0x30, ASN.1 BER) through
%% megaco_ber_encoder with the name resolver BENCH_MEGACO_RESOLVER names (the project's package and
%% termination ids: tests/integration/megaco_ber_resolver.erl, compiled here), as megaco needs one for
%% packages it does not know. Run as megaco's users run it for speed: this module compiled
%% (not interpreted, escript's default), and the text decoders with the flex scanner (megaco's
%% linked-in C scanner, megaco_flex_scanner) when the installation has it; BENCH_MEGACO_FLEX=0 turns it
%% off. Prints "FILE <bytes> <messages per second>" and, on stderr, which scanner ran.
-mode(compile).

main(Files) ->
    Seconds = case os:getenv("BENCH_SECONDS") of
                  false -> 1.0;
                  S -> try list_to_float(S) catch error:badarg -> float(list_to_integer(S)) end
              end,
    Text = scanner(),
    Ber = resolver(),
    [bench(F, Text, Ber, Seconds) || F <- Files],
    ok.

resolver() ->
    case os:getenv("BENCH_MEGACO_RESOLVER") of
        false -> [];
        Path ->
            {ok, Mod, Bin} = compile:file(Path, [binary, report_errors]),
            {module, Mod} = code:load_binary(Mod, Path, Bin),
            [{binary_name_resolver, {Mod, []}}]
    end.

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

bench(File, Text, Ber, Seconds) ->
    {ok, Bin} = file:read_file(File),
    {Codec, Config} = case Bin of
                          <<"!", _/binary>> -> {megaco_compact_text_encoder, Text};
                          <<16#30, _/binary>> -> {megaco_ber_encoder, Ber};
                          _ -> {megaco_pretty_text_encoder, Text}
                      end,
    {ok, Msg0} = decode(Codec, Config, Bin),
    {ok, _} = Codec:encode_message(Config, 3, Msg0),
    Limit = erlang:convert_time_unit(round(Seconds * 1000), millisecond, native),
    Start = erlang:monotonic_time(),
    N = loop(Codec, Config, Bin, Start, Limit, 0),
    Elapsed = erlang:convert_time_unit(erlang:monotonic_time() - Start, native, microsecond) / 1.0e6,
    io:format("~s ~b ~b~n", [File, byte_size(Bin), round(N / Elapsed)]).

%% the text decoders take the version from the message, the BER decoder is told it
decode(megaco_ber_encoder, Config, Bin) -> megaco_ber_encoder:decode_message(Config, 3, Bin);
decode(Codec, Config, Bin) -> Codec:decode_message(Config, dynamic, Bin).

loop(Codec, Config, Bin, Start, Limit, N) when N < 50000000 ->
    case erlang:monotonic_time() - Start < Limit of
        true -> loop(Codec, Config, Bin, Start, Limit, N + batch(Codec, Config, Bin, 100));
        false -> N
    end;
loop(_, _, _, _, _, N) -> N.

batch(_, _, _, 0) -> 0;
batch(Codec, Config, Bin, K) ->
    {ok, Msg} = decode(Codec, Config, Bin),
    {ok, _} = Codec:encode_message(Config, 3, Msg),
    1 + batch(Codec, Config, Bin, K - 1).
