import 'package:flutter/material.dart';
import 'package:flutter_test/flutter_test.dart';

import 'package:trail_journal/widgets/rating_stars.dart';
import 'package:trail_journal/widgets/stat_tile.dart';

class _TestHost extends StatelessWidget {
  const _TestHost({required this.child});

  final Widget child;

  @override
  Widget build(BuildContext context) {
    return MaterialApp(home: Scaffold(body: child));
  }
}

void main() {
  testWidgets('RatingStars fills the right number of stars', (tester) async {
    await tester.pumpWidget(const _TestHost(child: RatingStars(rating: 3)));

    expect(find.byIcon(Icons.star), findsNWidgets(3));
    expect(find.byIcon(Icons.star_border), findsNWidgets(2));
  });

  testWidgets('StatTile shows value and label', (tester) async {
    await tester.pumpWidget(
      const _TestHost(
        child: StatTile(value: '12.4', label: 'km'),
      ),
    );

    expect(find.text('12.4'), findsOneWidget);
    expect(find.text('km'), findsOneWidget);
  });
}
