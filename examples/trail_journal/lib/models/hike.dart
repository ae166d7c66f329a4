import 'package:flutter/widgets.dart';
import 'package:freezed_annotation/freezed_annotation.dart';

part 'hike.freezed.dart';

@freezed
class Hike with _$Hike {
  const factory Hike({
    required String id,
    required String trailId,
    required DateTime date,
    required Duration duration,
    @Default('') String notes,
    @Default(3) int rating,
    @Default(<String>[]) List<String> photos,
  }) = _Hike;
}
