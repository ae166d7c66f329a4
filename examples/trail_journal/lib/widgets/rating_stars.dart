import 'package:flutter/material.dart';

/// Read-only row of five stars, filled up to [rating].
class RatingStars extends StatelessWidget {
  const RatingStars({
    super.key,
    required this.rating,
    this.size = 20,
  });

  final int rating;
  final double size;

  @override
  Widget build(BuildContext context) {
    return Row(
      mainAxisSize: MainAxisSize.min,
      children: [
        for (var i = 1; i <= 5; i++)
          Icon(
            i <= rating ? Icons.star : Icons.star_border,
            size: size,
            color: Colors.amber,
          ),
      ],
    );
  }
}

class RatingPicker extends StatefulWidget {
  const RatingPicker({
    super.key,
    this.initialRating = 3,
    required this.onChanged,
  });

  final int initialRating;
  final ValueChanged<int> onChanged;

  @override
  State<RatingPicker> createState() => _RatingPickerState();
}

class _RatingPickerState extends State<RatingPicker> {
  late int _rating = widget.initialRating;

  void _select(int value) {
    setState(() => _rating = value);
    widget.onChanged(value);
  }

  @override
  Widget build(BuildContext context) {
    return Row(
      mainAxisSize: MainAxisSize.min,
      children: [
        for (var i = 1; i <= 5; i++) _buildStar(i),
      ],
    );
  }

  /// One tappable star; filled when it is at or below the current rating.
  Widget _buildStar(int value) {
    return IconButton(
      visualDensity: VisualDensity.compact,
      onPressed: () => _select(value),
      icon: Icon(
        value <= _rating ? Icons.star : Icons.star_border,
        color: Colors.amber,
      ),
    );
  }
}
