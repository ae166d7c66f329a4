// coverage:ignore-file
// GENERATED CODE - DO NOT MODIFY BY HAND
// ignore_for_file: type=lint
// ignore_for_file: unused_element, deprecated_member_use, deprecated_member_use_from_same_package, use_function_type_syntax_for_parameters, unnecessary_const, avoid_init_to_null, invalid_override_different_default_values_named, prefer_expression_function_bodies, annotate_overrides, invalid_annotation_target, unnecessary_question_mark

part of 'hike.dart';

// **************************************************************************
// FreezedGenerator
// **************************************************************************

T _$identity<T>(T value) => value;

final _privateConstructorUsedError = UnsupportedError(
    'It seems like you constructed your class using `MyClass._()`. This constructor is only meant to be used by freezed and you are not supposed to need it nor use it.\nPlease check the documentation here for more information: https://github.com/rrousselGit/freezed#adding-getters-and-methods-to-our-models');

/// @nodoc
mixin _$Hike {
  String get id => throw _privateConstructorUsedError;
  String get trailId => throw _privateConstructorUsedError;
  DateTime get date => throw _privateConstructorUsedError;
  Duration get duration => throw _privateConstructorUsedError;
  String get notes => throw _privateConstructorUsedError;
  int get rating => throw _privateConstructorUsedError;
  List<String> get photos => throw _privateConstructorUsedError;
}

/// @nodoc
class _$HikeImpl implements _Hike {
  const _$HikeImpl(
      {required this.id,
      required this.trailId,
      required this.date,
      required this.duration,
      this.notes = '',
      this.rating = 3,
      final List<String> photos = const <String>[]})
      : _photos = photos;

  @override
  final String id;
  @override
  final String trailId;
  @override
  final DateTime date;
  @override
  final Duration duration;
  @override
  @JsonKey()
  final String notes;
  @override
  @JsonKey()
  final int rating;
  final List<String> _photos;
  @override
  @JsonKey()
  List<String> get photos {
    if (_photos is EqualUnmodifiableListView) return _photos;
    // ignore: implicit_dynamic_type
    return EqualUnmodifiableListView(_photos);
  }

  @override
  String toString() {
    return 'Hike(id: $id, trailId: $trailId, date: $date, duration: $duration, notes: $notes, rating: $rating, photos: $photos)';
  }

  @override
  bool operator ==(Object other) {
    return identical(this, other) ||
        (other.runtimeType == runtimeType &&
            other is _$HikeImpl &&
            (identical(other.id, id) || other.id == id) &&
            (identical(other.trailId, trailId) || other.trailId == trailId) &&
            (identical(other.date, date) || other.date == date) &&
            (identical(other.duration, duration) ||
                other.duration == duration) &&
            (identical(other.notes, notes) || other.notes == notes) &&
            (identical(other.rating, rating) || other.rating == rating) &&
            const DeepCollectionEquality().equals(other._photos, _photos));
  }

  @override
  int get hashCode => Object.hash(runtimeType, id, trailId, date, duration,
      notes, rating, const DeepCollectionEquality().hash(_photos));
}

abstract class _Hike implements Hike {
  const factory _Hike(
      {required final String id,
      required final String trailId,
      required final DateTime date,
      required final Duration duration,
      final String notes,
      final int rating,
      final List<String> photos}) = _$HikeImpl;
}

/// @nodoc
class _$HikePreviewWidget extends StatelessWidget {
  const _$HikePreviewWidget({super.key, required this.hike});

  final Hike hike;

  @override
  Widget build(BuildContext context) {
    return Text('Hike(${hike.id})');
  }
}
